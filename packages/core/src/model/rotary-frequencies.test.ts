/**
 * Rotary inverse frequencies for every rope_scaling type, against values
 * worked out by hand from transformers' modeling_rope_utils formulas
 * (head_dim 8, so four frequencies; the derivations are in the comments).
 */
import { describe, expect, it } from 'vitest';
import { expectPlugboardError } from '../testing/test-helpers.ts';
import { normalizeHfConfig } from '../hf/config.ts';
import { normalizeRopeScaling } from '../hf/rope-scaling.ts';
import type { RopeScaling } from '../hf/rope-scaling.ts';
import { frequenciesAt, rotaryContextLimit, rotaryFrequencies } from './rotary-frequencies.ts';
import { MAX_ROTARY_POSITIONS, rotaryTables } from './rotary-tables.ts';

const headDim = 8;
const of = (rope: RopeScaling, theta = 10000, sequenceLength?: number) => rotaryFrequencies({ headDim, ropeTheta: theta, rope }, sequenceLength);

function expectClose(actual: Float64Array, expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, j) => expect(actual[j]).toBeCloseTo(value, 12));
}

describe('rotary inverse frequencies (modeling_rope_utils)', () => {
  it('default: 1 / 10000^(2j/8) = 1, 0.1, 0.01, 0.001, attention factor 1', () => {
    const f = of({ type: 'default' });
    expectClose(f.inverse, [1, 0.1, 0.01, 0.001]);
    expect(f.scale).toBe(1);
  });

  it('linear factor 4: every frequency divided by 4', () => {
    expectClose(of({ type: 'linear', factor: 4 }).inverse, [0.25, 0.025, 0.0025, 0.00025]);
  });

  it('llama3 (factor 8, low 1, high 4, original 8192, theta 500000): high kept, medium smoothed, low divided', () => {
    const f = of({ type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 }, 500000);
    // base frequencies 500000^(-j/4): 1, 0.0376060, 0.00141421, 5.31830e-5; wavelengths 2π/f: 6.28, 167, 4443, 118143
    // 4443 lies between 8192/4 and 8192/1: smooth = (8192/4443 - 1)/3 = 0.281284, f·((1 - s)/8 + s) = 0.000524846
    // 118143 > 8192: f / 8 = 6.64787e-6
    expectClose(f.inverse, [1, 0.03760603093086393, 0.0005248461609929547, 6.647869871181236e-6]);
    expect(f.scale).toBe(1);
  });

  it('dynamic NTK (factor 2, max 16): default within the context, base 10000·3^(4/3) at 32 tokens', () => {
    const rope: RopeScaling = { type: 'dynamic', factor: 2, maxPositionEmbeddings: 16 };
    expectClose(of(rope, 10000, 16).inverse, [1, 0.1, 0.01, 0.001]);
    // seq 32: base · (2·32/16 - 1)^(8/6) = 10000 · 3^(4/3) = 43267.49; its ^(-3/4) is exactly 1/3000
    expectClose(of(rope, 10000, 32).inverse, [1, 0.06933612743506347, 0.004807498567691361, 1 / 3000]);
    const at = frequenciesAt({ headDim, ropeTheta: 10000, rope });
    expect(at(15)).toBe(at(0)); // inside the original context: one fixed set
    expectClose(at(31).inverse, [1, 0.06933612743506347, 0.004807498567691361, 1 / 3000]);
    expect(rotaryContextLimit({ maxPositionEmbeddings: 16, rope })).toBe(32);
  });

  it('yarn (factor 4, original 4096, beta 32/1): ramp between correction dims 1 and 3, attention factor 0.1 ln 4 + 1', () => {
    // correction dims 8·ln(4096 / (2π·β)) / (2 ln 10000): β=32 → 1.309 (floor 1), β=1 → 2.814 (ceil 3)
    // ramp (j - 1)/2 clamped = 0, 0, 0.5, 1: j=2 is half interpolated, 0.01·(0.5/4 + 0.5); j=3 fully: 0.001/4
    const rope = normalizeRopeScaling({ rope_type: 'yarn', factor: 4, original_max_position_embeddings: 4096 }, 32768);
    const f = of(rope);
    expectClose(f.inverse, [1, 0.1, 0.00625, 0.00025]);
    expect(f.scale).toBeCloseTo(1.138629436111989, 12);
    // truncate: false keeps the dims 1.309 … 2.814 unrounded: ramp at j=2 is 0.459
    const untruncated = of(normalizeRopeScaling({ type: 'yarn', factor: 4, original_max_position_embeddings: 4096, truncate: false }, 4096));
    expectClose(untruncated.inverse, [1, 0.1, 0.006556971521129435, 0.00025]);
  });

  it('yarn attention factor: given, from mscale / mscale_all_dim, or get_mscale(factor)', () => {
    const attention = (extra: Record<string, unknown>) => {
      const rope = normalizeRopeScaling({ type: 'yarn', factor: 40, original_max_position_embeddings: 4096, ...extra }, 163840);
      return rope.type === 'yarn' ? rope.attentionFactor : NaN;
    };
    expect(attention({ attention_factor: 0.5 })).toBe(0.5);
    expect(attention({ mscale: 1, mscale_all_dim: 1 })).toBe(1); // DeepSeek-V3: the ratio cancels
    // (0.1·0.707·ln 40 + 1) / (0.1·ln 40 + 1)
    expect(attention({ mscale: 0.707, mscale_all_dim: 1 })).toBeCloseTo(0.9210423553163399, 12);
    expect(attention({})).toBeCloseTo(0.1 * Math.log(40) + 1, 12);
  });

  it('the attention factor multiplies the cos/sin tables', () => {
    const rope = normalizeRopeScaling({ type: 'yarn', factor: 4, original_max_position_embeddings: 64 }, 256);
    const tables = rotaryTables({ headDim, ropeTheta: 10000, rope }, 3);
    expect(tables.cos[0]).toBeCloseTo(1.138629436111989, 6); // position 0: cos 0 = 1, times the factor
    expect(tables.cos.length).toBe(3 * 4);
  });
});

describe('rope_scaling and rotary sizing errors', () => {
  it('an unknown rope_type is UNSUPPORTED_FEATURE naming the supported ones', () => {
    expectPlugboardError(() => normalizeRopeScaling({ rope_type: 'longrope', short_factor: [1] }, 4096), 'UNSUPPORTED_FEATURE', 'longrope', 'llama3', 'yarn');
  });

  it('a scaling type without its constants is INVALID_CONFIG saying which', () => {
    expectPlugboardError(() => normalizeRopeScaling({ rope_type: 'linear' }, 4096), 'INVALID_CONFIG', 'factor');
    expectPlugboardError(() => normalizeRopeScaling({ rope_type: 'llama3', factor: 8 }, 4096), 'INVALID_CONFIG', 'low_freq_factor');
    expectPlugboardError(() => normalizeRopeScaling({ rope_type: 'llama3', factor: 8, low_freq_factor: 4, high_freq_factor: 1, original_max_position_embeddings: 8 }, 64), 'INVALID_CONFIG', 'high_freq_factor');
    expectPlugboardError(() => normalizeRopeScaling({ rope_type: 'yarn', factor: -1 }, 64), 'INVALID_CONFIG', 'factor');
  });

  it('a rotary table past the limit (max_position_embeddings 2^31) is a clear error, not a RangeError', () => {
    expectPlugboardError(() => rotaryTables({ headDim, ropeTheta: 10000, rope: { type: 'default' } }, 2 ** 31), 'INVALID_ARGUMENT', '2147483648', 'contextLength');
    expectPlugboardError(() => rotaryTables({ headDim, ropeTheta: 10000, rope: { type: 'default' } }, MAX_ROTARY_POSITIONS + 1), 'INVALID_ARGUMENT');
    expect(rotaryTables({ headDim, ropeTheta: 10000, rope: { type: 'default' } }, 5).rows).toBe(5);
  });

  it('normalizeHfConfig reads Llama 3.1 and Qwen2.5-with-YaRN configs as published', () => {
    const base = { hidden_size: 64, num_hidden_layers: 1, num_attention_heads: 4, intermediate_size: 128, vocab_size: 512 };
    const llama31 = normalizeHfConfig({
      ...base,
      model_type: 'llama',
      max_position_embeddings: 131072,
      rope_theta: 500000,
      rope_scaling: { factor: 8.0, low_freq_factor: 1.0, high_freq_factor: 4.0, original_max_position_embeddings: 8192, rope_type: 'llama3' },
    });
    expect(llama31.rope).toEqual({ type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 });
    const qwen = normalizeHfConfig({ ...base, model_type: 'qwen2', max_position_embeddings: 32768, rope_scaling: { factor: 4.0, original_max_position_embeddings: 32768, type: 'yarn' } });
    expect(qwen.rope).toMatchObject({ type: 'yarn', factor: 4, originalMaxPositionEmbeddings: 32768, betaFast: 32, betaSlow: 1, truncate: true });
    expect(normalizeHfConfig({ ...base, model_type: 'llama', rope_scaling: { rope_type: 'default' } }).rope).toEqual({ type: 'default' });
  });

  it('hidden_act, mlp_bias and model_type outside what is supported are refused naming what is', () => {
    const base = { hidden_size: 64, num_hidden_layers: 1, num_attention_heads: 4, intermediate_size: 128, vocab_size: 512 };
    expectPlugboardError(() => normalizeHfConfig({ ...base, model_type: 'llama', hidden_act: 'relu2' }), 'UNSUPPORTED_FEATURE', 'relu2', 'gelu_pytorch_tanh');
    expectPlugboardError(() => normalizeHfConfig({ ...base, model_type: 'qwen2', mlp_bias: true }), 'UNSUPPORTED_FEATURE', 'mlp_bias');
    expectPlugboardError(() => normalizeHfConfig({ ...base, model_type: 'gemma2' }), 'UNSUPPORTED_ARCHITECTURE', 'gemma2', 'llama, qwen2, qwen3, mistral');
    const llama = normalizeHfConfig({ ...base, model_type: 'llama', attention_bias: true, mlp_bias: true, hidden_act: 'gelu_pytorch_tanh' });
    expect([llama.attentionBias, llama.outputBias, llama.mlpBias, llama.hiddenAct]).toEqual([true, true, true, 'gelu_pytorch_tanh']);
    const qwen2 = normalizeHfConfig({ ...base, model_type: 'qwen2' });
    expect([qwen2.attentionBias, qwen2.outputBias]).toEqual([true, false]); // Qwen2 biases q/k/v only
  });
});
