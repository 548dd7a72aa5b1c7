import type { ModelConfig } from '../hf/config.ts';
import type { RopeScaling } from '../hf/rope-scaling.ts';

/** What rotary embedding needs from a config. */
export type RotaryConfig = Pick<ModelConfig, 'headDim' | 'ropeTheta' | 'rope'>;

/** Rotary angles at one position: angle_j = position · inverse[j]; cos and sin are multiplied by `scale`. */
export interface RotaryFrequencies {
  inverse: Float64Array;
  /** transformers' `attention_scaling` (YaRN's attention_factor; 1 otherwise) */
  scale: number;
}

/** 1 / base^(2j / dim), j = 0 … dim/2 - 1: _compute_default_rope_parameters. */
function defaultInverse(base: number, dim: number): Float64Array {
  return Float64Array.from({ length: dim / 2 }, (_, j) => 1 / base ** ((2 * j) / dim));
}

/**
 * Llama 3.1 (_compute_llama3_parameters): wavelengths longer than
 * original/low_freq_factor are divided by `factor`, shorter than
 * original/high_freq_factor kept, in between smoothly interpolated with
 * smooth = (original / wavelen - low) / (high - low).
 * Meta's constants: factor 8 (3.2: 32), low 1, high 4, original 8192.
 */
function llama3Inverse(inverse: Float64Array, s: Extract<RopeScaling, { type: 'llama3' }>): Float64Array {
  const lowFreqWavelen = s.originalMaxPositionEmbeddings / s.lowFreqFactor;
  const highFreqWavelen = s.originalMaxPositionEmbeddings / s.highFreqFactor;
  return inverse.map((f) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < highFreqWavelen) return f;
    if (wavelen > lowFreqWavelen) return f / s.factor;
    const smooth = (s.originalMaxPositionEmbeddings / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
    return ((1 - smooth) * f) / s.factor + smooth * f;
  });
}

/**
 * YaRN (_compute_yarn_parameters): dimensions that rotate fewer than
 * beta_slow (1) times over the original context are interpolated (÷ factor),
 * more than beta_fast (32) times extrapolated (kept), with a linear ramp
 * between the correction dims dim·ln(orig / (2π·rotations)) / (2 ln base),
 * floored/ceiled when `truncate`, clamped to [0, dim - 1].
 */
function yarnInverse(base: number, dim: number, s: Extract<RopeScaling, { type: 'yarn' }>): Float64Array {
  const correctionDim = (rotations: number) => (dim * Math.log(s.originalMaxPositionEmbeddings / (rotations * 2 * Math.PI))) / (2 * Math.log(base));
  let low = correctionDim(s.betaFast);
  let high = correctionDim(s.betaSlow);
  if (s.truncate) [low, high] = [Math.floor(low), Math.ceil(high)];
  low = Math.max(low, 0);
  high = Math.min(high, dim - 1);
  if (low === high) high += 0.001; // linear_ramp_factor's guard against a zero-width ramp
  return defaultInverse(base, dim).map((extrapolation, j) => {
    const ramp = Math.min(Math.max((j - low) / (high - low), 0), 1);
    const extrapolationFactor = 1 - ramp;
    return (extrapolation / s.factor) * (1 - extrapolationFactor) + extrapolation * extrapolationFactor;
  });
}

/**
 * The inverse frequencies transformers' ROPE_INIT_FUNCTIONS compute for this
 * config. `sequenceLength` matters only for `dynamic` (NTK): past
 * max_position_embeddings the base becomes
 * base · (factor · seq / max - (factor - 1))^(dim / (dim - 2)).
 */
export function rotaryFrequencies(config: RotaryConfig, sequenceLength = 0): RotaryFrequencies {
  const { headDim: dim, ropeTheta: base, rope } = config;
  switch (rope.type) {
    case 'default':
      return { inverse: defaultInverse(base, dim), scale: 1 };
    case 'linear':
      return { inverse: defaultInverse(base, dim).map((f) => f / rope.factor), scale: 1 };
    case 'dynamic': {
      const seq = Math.max(sequenceLength, rope.maxPositionEmbeddings);
      const grown = base * ((rope.factor * seq) / rope.maxPositionEmbeddings - (rope.factor - 1)) ** (dim / (dim - 2));
      return { inverse: defaultInverse(grown, dim), scale: 1 };
    }
    case 'llama3':
      return { inverse: llama3Inverse(defaultInverse(base, dim), rope), scale: 1 };
    case 'yarn':
      return { inverse: yarnInverse(base, dim, rope), scale: rope.attentionFactor };
  }
}

/**
 * The frequencies position `p` is rotated with. Static types use one set for
 * every position. `dynamic` uses the set for a sequence of p + 1 tokens: what
 * transformers' dynamic_rope_update computes when it decodes token by token
 * past max_position_embeddings (it recomputes inv_freq whenever the sequence
 * grows). A long prompt prefilled in one transformers forward rotates all its
 * tokens with the set of its full length instead; we do not reproduce that.
 */
export function frequenciesAt(config: RotaryConfig): (position: number) => RotaryFrequencies {
  const fixed = rotaryFrequencies(config);
  if (config.rope.type !== 'dynamic') return () => fixed;
  const limit = config.rope.maxPositionEmbeddings;
  return (position) => (position < limit ? fixed : rotaryFrequencies(config, position + 1));
}

/** The longest context the rotary scheme defines: max_position_embeddings, or factor × that for dynamic NTK (its purpose). */
export function rotaryContextLimit(config: Pick<ModelConfig, 'maxPositionEmbeddings' | 'rope'>): number {
  return config.rope.type === 'dynamic' ? Math.floor(config.maxPositionEmbeddings * config.rope.factor) : config.maxPositionEmbeddings;
}
