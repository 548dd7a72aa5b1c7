import { z } from 'zod';
import { PlugboardError } from '../errors/plugboard-error.ts';

/**
 * config.json's `rope_scaling`, normalized: which of transformers'
 * `modeling_rope_utils` ROPE_INIT_FUNCTIONS the model uses and its constants.
 * The formulas live in model/rotary-frequencies.ts.
 */
export const RopeScalingSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('default') }),
  /** _compute_linear_scaling_rope_parameters: inv_freq / factor */
  z.object({ type: z.literal('linear'), factor: z.number().positive() }),
  /** _compute_dynamic_ntk_parameters: the base grows with the sequence past max_position_embeddings */
  z.object({ type: z.literal('dynamic'), factor: z.number().positive(), maxPositionEmbeddings: z.number().int().positive() }),
  /** _compute_llama3_parameters (Llama 3.1 / 3.2) */
  z.object({
    type: z.literal('llama3'),
    factor: z.number().positive(),
    lowFreqFactor: z.number().positive(),
    highFreqFactor: z.number().positive(),
    originalMaxPositionEmbeddings: z.number().int().positive(),
  }),
  /** _compute_yarn_parameters (Qwen2.5 / Qwen3 long context, DeepSeek) */
  z.object({
    type: z.literal('yarn'),
    factor: z.number().positive(),
    originalMaxPositionEmbeddings: z.number().int().positive(),
    betaFast: z.number().positive(),
    betaSlow: z.number().positive(),
    /** the cos/sin multiplier ("mscale" of the paper), already resolved */
    attentionFactor: z.number().positive(),
    truncate: z.boolean(),
  }),
]);
export type RopeScaling = z.infer<typeof RopeScalingSchema>;

export const SUPPORTED_ROPE_TYPES = ['default', 'linear', 'dynamic', 'llama3', 'yarn'] as const;

/** The raw `rope_scaling` object as checkpoints write it (snake_case, `rope_type` or the older `type`). */
const RawRopeScalingSchema = z
  .object({
    rope_type: z.string().optional(),
    type: z.string().optional(),
    factor: z.number().positive().optional(),
    low_freq_factor: z.number().positive().optional(),
    high_freq_factor: z.number().positive().optional(),
    original_max_position_embeddings: z.number().int().positive().optional(),
    attention_factor: z.number().positive().nullish(),
    beta_fast: z.number().positive().nullish(),
    beta_slow: z.number().positive().nullish(),
    mscale: z.number().nullish(),
    mscale_all_dim: z.number().nullish(),
    truncate: z.boolean().optional(),
  })
  .passthrough();

function invalid(message: string): PlugboardError {
  return new PlugboardError('INVALID_CONFIG', `config.json rope_scaling: ${message}`);
}

/** YaRN's magnitude correction: 0.1 · mscale · ln(scale) + 1 for scale > 1 (get_mscale in modeling_rope_utils). */
export function yarnMscale(scale: number, mscale = 1): number {
  return scale <= 1 ? 1 : 0.1 * mscale * Math.log(scale) + 1;
}

/** Normalizes `rope_scaling` (null/absent = default rotary) given the config's max_position_embeddings. */
export function normalizeRopeScaling(raw: unknown, maxPositionEmbeddings: number): RopeScaling {
  if (raw == null) return { type: 'default' };
  const parsed = RawRopeScalingSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`"${issue?.path.join('.')}" ${issue?.message}`);
  }
  const r = parsed.data;
  const type = r.rope_type ?? r.type ?? 'default';
  const factor = () => {
    if (r.factor === undefined) throw invalid(`rope_type "${type}" needs "factor"`);
    return r.factor;
  };
  const original = (fallback?: number) => {
    const value = r.original_max_position_embeddings ?? fallback;
    if (value === undefined) throw invalid(`rope_type "${type}" needs "original_max_position_embeddings"`);
    return value;
  };
  switch (type) {
    case 'default':
    case 'none':
      return { type: 'default' };
    case 'linear':
      return { type: 'linear', factor: factor() };
    case 'dynamic':
      return { type: 'dynamic', factor: factor(), maxPositionEmbeddings };
    case 'llama3': {
      const [low, high] = [r.low_freq_factor, r.high_freq_factor];
      if (low === undefined || high === undefined) throw invalid('rope_type "llama3" needs "low_freq_factor" and "high_freq_factor"');
      if (high <= low) throw invalid(`high_freq_factor (${high}) must exceed low_freq_factor (${low})`);
      return { type: 'llama3', factor: factor(), lowFreqFactor: low, highFreqFactor: high, originalMaxPositionEmbeddings: original() };
    }
    case 'yarn': {
      const f = factor();
      // the user's factor is used as given, as in transformers since #40320 (and vLLM/TGI); without
      // attention_factor: get_mscale(factor, mscale) / get_mscale(factor, mscale_all_dim) when both are set, else get_mscale(factor)
      const attentionFactor = r.attention_factor ?? (r.mscale && r.mscale_all_dim ? yarnMscale(f, r.mscale) / yarnMscale(f, r.mscale_all_dim) : yarnMscale(f));
      return {
        type: 'yarn',
        factor: f,
        originalMaxPositionEmbeddings: original(maxPositionEmbeddings),
        betaFast: r.beta_fast ?? 32,
        betaSlow: r.beta_slow ?? 1,
        attentionFactor,
        truncate: r.truncate ?? true,
      };
    }
    default:
      throw new PlugboardError(
        'UNSUPPORTED_FEATURE',
        `rope_scaling rope_type "${type}" is not supported; supported: ${SUPPORTED_ROPE_TYPES.join(', ')} (or no rope_scaling)`,
      );
  }
}
