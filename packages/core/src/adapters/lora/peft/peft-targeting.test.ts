import { describe, expect, it } from 'vitest';
import { expectPlugboardError } from '../../../testing/test-helpers.ts';
import { tinyModelConfig } from '../../../reference/random-model.ts';
import { PeftLoraConfigSchema } from './peft-lora-config.ts';
import type { PeftLoraConfigInput } from './peft-lora-config.ts';
import { PeftTargeting } from './peft-targeting.ts';

const model = tinyModelConfig({ numLayers: 4 });
const targeting = (config: Omit<PeftLoraConfigInput, 'peft_type'>) =>
  new PeftTargeting(PeftLoraConfigSchema.parse({ peft_type: 'LORA', ...config }), 'test config');
const resolved = (config: Omit<PeftLoraConfigInput, 'peft_type'>) =>
  targeting(config)
    .resolve(model)
    .map((t) => `${t.layer}.${t.module}`);

describe('PeftTargeting (PEFT target_modules semantics)', () => {
  it('a list of names matches module paths by suffix at a dot boundary', () => {
    expect(resolved({ target_modules: ['q_proj', 'down_proj'] })).toEqual(['0.q', '0.down', '1.q', '1.down', '2.q', '2.down', '3.q', '3.down']);
    expect(resolved({ target_modules: ['self_attn.v_proj'] })).toEqual(['0.v', '1.v', '2.v', '3.v']);
  });

  it('a list entry equal to a full module path selects just that module, ignoring layers_to_transform', () => {
    expect(resolved({ target_modules: ['model.layers.2.mlp.up_proj'], layers_to_transform: [0] })).toEqual(['2.up']);
  });

  it('a string is a regex that must match the whole path (re.fullmatch)', () => {
    expect(resolved({ target_modules: String.raw`.*\.layers\.(1|3)\.self_attn\.(q|k)_proj` })).toEqual(['1.q', '1.k', '3.q', '3.k']);
    // a partial match is no match
    expect(resolved({ target_modules: 'q_proj', layers_to_transform: null }).length).toBe(0);
  });

  it('Python named groups in a regex are accepted', () => {
    expect(resolved({ target_modules: String.raw`model\.layers\.(?P<n>0)\.mlp\.gate_proj` })).toEqual(['0.gate']);
  });

  it('"all-linear" is every projection', () => {
    expect(resolved({ target_modules: 'all-linear', layers_to_transform: 1 })).toEqual(['1.q', '1.k', '1.v', '1.o', '1.gate', '1.up', '1.down']);
  });

  it('layers_to_transform (int or list) keeps only those layers; layers_pattern names the container', () => {
    expect(resolved({ target_modules: ['o_proj'], layers_to_transform: [1, 3] })).toEqual(['1.o', '3.o']);
    expect(resolved({ target_modules: ['o_proj'], layers_to_transform: 2, layers_pattern: 'layers' })).toEqual(['2.o']);
    expect(resolved({ target_modules: ['o_proj'], layers_to_transform: 2, layers_pattern: ['h', 'blocks'] })).toEqual([]);
  });

  it('exclude_modules removes modules (list suffix match, or regex)', () => {
    expect(resolved({ target_modules: ['q_proj', 'v_proj'], exclude_modules: ['model.layers.0.self_attn.q_proj'], layers_to_transform: [0] })).toEqual(['0.v']);
    expect(resolved({ target_modules: ['q_proj'], exclude_modules: String.raw`.*layers\.[12]\..*` })).toEqual(['0.q', '3.q']);
  });

  it('rank_pattern / alpha_pattern: the first key matching the end of the path at a dot boundary wins', () => {
    const t = targeting({
      target_modules: ['q_proj', 'v_proj'],
      r: 8,
      lora_alpha: 16,
      rank_pattern: { 'layers.1.self_attn.q_proj': 2, q_proj: 4, _proj: 1 },
      alpha_pattern: { v_proj: 3 },
    });
    expect(t.rankAndAlpha('model.layers.1.self_attn.q_proj')).toEqual({ rank: 2, alpha: 16 });
    expect(t.rankAndAlpha('model.layers.0.self_attn.q_proj')).toEqual({ rank: 4, alpha: 16 });
    expect(t.rankAndAlpha('model.layers.0.self_attn.v_proj')).toEqual({ rank: 8, alpha: 3 });
    expect(t.scaling('model.layers.0.self_attn.q_proj')).toBe(4);
  });

  it('use_rslora scales by alpha/sqrt(r)', () => {
    expect(targeting({ target_modules: ['q_proj'], r: 16, lora_alpha: 8, use_rslora: true }).scaling('model.layers.0.self_attn.q_proj')).toBe(2);
  });

  it('targets outside the seven projections are refused by name', () => {
    expectPlugboardError(() => resolved({ target_modules: ['q_proj', 'lm_head'] }), 'UNSUPPORTED_FEATURE', '"lm_head"');
    expectPlugboardError(() => resolved({ target_modules: ['embed_tokens'] }), 'UNSUPPORTED_FEATURE', '"embed_tokens"');
    expectPlugboardError(() => resolved({ target_modules: '.*' }), 'UNSUPPORTED_FEATURE', '"lm_head"', '"model.embed_tokens"');
    expectPlugboardError(() => resolved({ target_modules: ['c_attn'] }), 'UNSUPPORTED_FEATURE', '"c_attn"');
  });

  it('an invalid regex is ADAPTER_INVALID naming the field', () => {
    expectPlugboardError(() => resolved({ target_modules: '(q_proj' }), 'ADAPTER_INVALID', 'target_modules', '(q_proj');
    expectPlugboardError(() => resolved({ target_modules: ['q_proj'], rank_pattern: { '[': 2 } }), 'ADAPTER_INVALID', 'rank_pattern');
  });
});
