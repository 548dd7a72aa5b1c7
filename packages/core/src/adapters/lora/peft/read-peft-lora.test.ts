import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectPlugboardError, useTempDir } from '../../../testing/test-helpers.ts';
import { writeSafetensors } from '../../../hf/safetensors-writer.ts';
import type { TensorToWrite } from '../../../hf/safetensors-writer.ts';
import { tinyModelConfig } from '../../../reference/random-model.ts';
import { loraKey } from '../loaded-lora.ts';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE } from '../../formats/adapter-files.ts';
import { readPeftLora, readPeftLoraRaw } from './read-peft-lora.ts';
import { randomPeftLora, writeRandomPeftLora } from './write-random-peft-lora.ts';

const tmp = useTempDir('read-peft-lora');
const config = tinyModelConfig({ numLayers: 4 }); // d 16, q 16, kv 8, ff 24
let counter = 0;
const freshDir = () => join(tmp, `lora-${counter++}`);

/** A hand-made adapter folder, for layouts our writer would never produce. */
function writeFolder(adapterConfig: Record<string, unknown>, tensors: TensorToWrite[]): string {
  const dir = freshDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, ADAPTER_CONFIG_FILE), JSON.stringify(adapterConfig));
  writeSafetensors(join(dir, ADAPTER_WEIGHTS_FILE), tensors);
  return dir;
}

const baseConfig = { peft_type: 'LORA', r: 2, lora_alpha: 4, target_modules: ['q_proj'], layers_to_transform: [0] };
const fill = (n: number, value: number) => new Float32Array(n).fill(value);
const qPair = (prefix = 'base_model.model.model.layers.0.self_attn.q_proj', suffix = '.weight'): TensorToWrite[] => [
  { name: `${prefix}.lora_A${suffix}`, dtype: 'F32', shape: [2, 16], values: fill(32, 0.5) },
  { name: `${prefix}.lora_B${suffix}`, dtype: 'F32', shape: [16, 2], values: fill(32, 0.25) },
];

describe('readPeftLora', () => {
  it('transposes A and B and folds scaling alpha/r into b', () => {
    const dir = freshDir();
    const source = randomPeftLora({ config, rank: 4, alpha: 8, modules: ['q', 'down'], seed: 1 });
    writeRandomPeftLora(dir, { config, rank: 4, alpha: 8, modules: ['q', 'down'], seed: 1 });
    const lora = readPeftLora(dir, { config });
    expect(lora.kind).toBe('lora');
    expect(lora.name).toBe('lora-0');
    expect(lora.layers).toEqual([0, 1, 2, 3]);
    expect(lora.modules).toEqual(['q', 'down']);
    expect(lora.rank).toBe(4);
    const raw = source.weights.get(loraKey(2, 'down'))!; // A [4, 24], B [16, 4]
    const loaded = lora.weights.get(loraKey(2, 'down'))!; // a [24, 4], b [4, 16]
    expect([loaded.inFeatures, loaded.outFeatures, loaded.rank]).toEqual([24, 16, 4]);
    expect(loaded.a[5 * 4 + 3]).toBe(raw.a[3 * 24 + 5]);
    expect(loaded.b[3 * 16 + 7]).toBeCloseTo(raw.b[7 * 4 + 3]! * 2, 6);
  });

  it('use_rslora scales by alpha/sqrt(r); rank_pattern and alpha_pattern vary rank and scaling per module', () => {
    const dir = freshDir();
    const options = {
      config,
      rank: 4,
      alpha: 8,
      modules: ['q', 'v'] as const,
      seed: 2,
      useRslora: true,
      rankPattern: { 'layers.1.self_attn.v_proj': 6 },
      alphaPattern: { q_proj: 2 },
    };
    const source = randomPeftLora(options);
    writeRandomPeftLora(dir, options);
    const lora = readPeftLora(dir, { config });
    expect(lora.rank).toBe(6);
    expect(lora.weights.get(loraKey(1, 'v'))!.rank).toBe(6);
    expect(lora.weights.get(loraKey(0, 'v'))!.rank).toBe(4);
    // b[r][o] = scaling * B[o][r]
    expect(lora.weights.get(loraKey(0, 'q'))!.b[1 * 16 + 2]).toBeCloseTo(source.weights.get(loraKey(0, 'q'))!.b[2 * 4 + 1]! * (2 / 2), 6);
    expect(lora.weights.get(loraKey(1, 'v'))!.b[1 * 8 + 2]).toBeCloseTo(source.weights.get(loraKey(1, 'v'))!.b[2 * 6 + 1]! * (8 / Math.sqrt(6)), 6);
  });

  it('a LISA-sparse adapter carries only its layers', () => {
    const dir = freshDir();
    writeRandomPeftLora(dir, { config, rank: 2, alpha: 2, modules: ['o', 'up'], layers: [3, 1], seed: 3 });
    const lora = readPeftLora(dir, { config });
    expect(lora.layers).toEqual([1, 3]);
    expect([...lora.weights.keys()].sort()).toEqual(['1.o', '1.up', '3.o', '3.up']);
  });

  it('accepts keys with an adapter name (lora_A.default.weight) and a regex target', () => {
    const dir = writeFolder({ ...baseConfig, target_modules: String.raw`model\.layers\.0\.self_attn\.q_proj`, layers_to_transform: null }, qPair(undefined, '.default.weight'));
    const lora = readPeftLora(dir, { config, name: 'named' });
    expect(lora.name).toBe('named');
    expect(lora.weights.get('0.q')!.b[0]).toBe(0.25 * 2);
  });

  it('reads F16 weights', () => {
    const dir = freshDir();
    writeRandomPeftLora(dir, { config, rank: 2, alpha: 2, modules: ['k'], seed: 4, dtype: 'F16' });
    const raw = readPeftLoraRaw(dir, { config });
    const exact = randomPeftLora({ config, rank: 2, alpha: 2, modules: ['k'], seed: 4 }).weights.get('0.k')!.a;
    expect(Math.abs(raw.weights.get('0.k')!.a[0]! - exact[0]!)).toBeLessThan(1e-3);
  });

  it('identifies the adapter by the sha256 of its weights file and keeps the base fingerprint', () => {
    const dir = freshDir();
    writeRandomPeftLora(dir, { config, rank: 2, alpha: 2, modules: ['q'], seed: 5, baseFingerprint: 'abc123' });
    const lora = readPeftLora(dir, { config });
    expect(lora.sha256).toBe(createHash('sha256').update(readFileSync(join(dir, ADAPTER_WEIGHTS_FILE))).digest('hex'));
    expect(lora.baseFingerprint).toBe('abc123');
    const other = freshDir();
    writeRandomPeftLora(other, { config, rank: 2, alpha: 2, modules: ['q'], seed: 6 });
    expect(readPeftLora(other, { config }).sha256).not.toBe(lora.sha256);
    expect(readPeftLora(other, { config }).baseFingerprint).toBeNull();
  });
});

describe('readPeftLora refuses bad input', () => {
  it('missing files are FILE_NOT_FOUND', () => {
    expectPlugboardError(() => readPeftLora(join(tmp, 'nowhere'), { config }), 'FILE_NOT_FOUND', ADAPTER_CONFIG_FILE);
    const dir = writeFolder(baseConfig, qPair());
    rmSync(join(dir, ADAPTER_WEIGHTS_FILE));
    writeFileSync(join(dir, 'adapter_model.bin'), 'pickle');
    expectPlugboardError(() => readPeftLora(dir, { config }), 'FILE_NOT_FOUND', ADAPTER_WEIGHTS_FILE, 'safetensors');
  });

  it('a malformed config is ADAPTER_INVALID naming the field', () => {
    expectPlugboardError(() => readPeftLora(writeFolder({ ...baseConfig, r: 'eight' }, qPair()), { config }), 'ADAPTER_INVALID', '"r"');
    expectPlugboardError(() => readPeftLora(writeFolder({ ...baseConfig, peft_type: 'IA3' }, qPair()), { config }), 'ADAPTER_INVALID', 'peft_type');
    const { target_modules: _dropped, ...noTargets } = baseConfig;
    expectPlugboardError(() => readPeftLora(writeFolder(noTargets, qPair()), { config }), 'ADAPTER_INVALID', 'target_modules');
    const dir = writeFolder(baseConfig, qPair());
    writeFileSync(join(dir, ADAPTER_CONFIG_FILE), '{ not json');
    expectPlugboardError(() => readPeftLora(dir, { config }), 'ADAPTER_INVALID', 'not valid JSON');
  });

  it.each([
    ['use_dora', true],
    ['bias', 'lora_only'],
    ['modules_to_save', ['lm_head']],
    ['fan_in_fan_out', true],
    ['megatron_config', { tensor_model_parallel_size: 2 }],
    ['layer_replication', [[0, 2]]],
    ['lora_bias', true],
  ])('%s is refused as UNSUPPORTED_FEATURE naming the field', (field, value) => {
    expectPlugboardError(() => readPeftLora(writeFolder({ ...baseConfig, [field]: value }, qPair()), { config }), 'UNSUPPORTED_FEATURE', field);
  });

  it('training-only options are fine', () => {
    const dir = writeFolder({ ...baseConfig, lora_dropout: 0.1, init_lora_weights: 'gaussian', bias: 'none', modules_to_save: null, megatron_config: null }, qPair());
    expect(readPeftLora(dir, { config }).weights.size).toBe(1);
  });

  it('loads the full adapter_config.json a recent PEFT writes', () => {
    const peft = {
      alora_invocation_tokens: null,
      alpha_pattern: {},
      auto_mapping: null,
      base_model_name_or_path: 'Qwen/Qwen2.5-0.5B-Instruct',
      bias: 'none',
      corda_config: null,
      eva_config: null,
      exclude_modules: null,
      fan_in_fan_out: false,
      inference_mode: true,
      init_lora_weights: true,
      layer_replication: null,
      layers_pattern: null,
      layers_to_transform: null,
      loftq_config: {},
      lora_alpha: 4,
      lora_bias: false,
      lora_dropout: 0.05,
      megatron_config: null,
      megatron_core: 'megatron.core',
      modules_to_save: null,
      peft_type: 'LORA',
      qalora_group_size: 16,
      r: 2,
      rank_pattern: {},
      revision: null,
      target_modules: ['q_proj'],
      target_parameters: null,
      task_type: 'CAUSAL_LM',
      trainable_token_indices: null,
      use_dora: false,
      use_qalora: false,
      use_rslora: false,
    };
    const tensors = [0, 1, 2, 3].flatMap((layer) => qPair(`base_model.model.model.layers.${layer}.self_attn.q_proj`));
    const raw = readPeftLoraRaw(writeFolder(peft, tensors), { config });
    expect(raw.layers).toEqual([0, 1, 2, 3]);
    expect(raw.config.base_model_name_or_path).toBe('Qwen/Qwen2.5-0.5B-Instruct');
  });

  it('targets other than the projections are refused naming them', () => {
    expectPlugboardError(() => readPeftLora(writeFolder({ ...baseConfig, target_modules: ['q_proj', 'lm_head'] }, qPair()), { config }), 'UNSUPPORTED_FEATURE', 'lm_head');
    const extra: TensorToWrite = { name: 'base_model.model.lm_head.lora_A.weight', dtype: 'F32', shape: [2, 16], values: fill(32, 0) };
    expectPlugboardError(() => readPeftLora(writeFolder(baseConfig, [...qPair(), extra]), { config }), 'UNSUPPORTED_FEATURE', 'lm_head');
    const dora: TensorToWrite = { name: 'base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector', dtype: 'F32', shape: [16], values: fill(16, 1) };
    expectPlugboardError(() => readPeftLora(writeFolder(baseConfig, [...qPair(), dora]), { config }), 'UNSUPPORTED_FEATURE', 'DoRA');
  });

  it('tensor shapes that disagree with the base are ADAPTER_INCOMPATIBLE with module, expected and actual', () => {
    const dir = freshDir();
    writeRandomPeftLora(dir, { config: tinyModelConfig({ numLayers: 4, intermediateSize: 32 }), rank: 2, alpha: 2, modules: ['gate'], seed: 7 });
    expectPlugboardError(() => readPeftLora(dir, { config }), 'ADAPTER_INCOMPATIBLE', 'model.layers.0.mlp.gate_proj', '[24, r]', '[32,2]');
  });

  it('a layer index past the base model is ADAPTER_INCOMPATIBLE', () => {
    const dir = freshDir();
    writeRandomPeftLora(dir, { config, rank: 2, alpha: 2, modules: ['q'], layers: [3], seed: 8 });
    expectPlugboardError(() => readPeftLora(dir, { config: tinyModelConfig({ numLayers: 2 }) }), 'ADAPTER_INCOMPATIBLE', 'layer 3', '2 layers');
  });

  it('a rank that disagrees with the config is ADAPTER_INVALID', () => {
    expectPlugboardError(() => readPeftLora(writeFolder({ ...baseConfig, r: 3 }, qPair()), { config }), 'ADAPTER_INVALID', 'rank 3');
  });

  it('a pair missing A or B, or a targeted module without weights, is ADAPTER_INVALID', () => {
    const [a, b] = qPair();
    expectPlugboardError(() => readPeftLora(writeFolder(baseConfig, [a!]), { config }), 'ADAPTER_INVALID', 'lora_B', 'missing');
    expectPlugboardError(() => readPeftLora(writeFolder(baseConfig, [b!]), { config }), 'ADAPTER_INVALID', 'lora_A', 'missing');
    const twoLayers = writeFolder({ ...baseConfig, layers_to_transform: [0, 1] }, qPair());
    expectPlugboardError(() => readPeftLora(twoLayers, { config }), 'ADAPTER_INVALID', 'model.layers.1.self_attn.q_proj');
    const untargeted = writeFolder({ ...baseConfig, layers_to_transform: [2] }, qPair());
    expectPlugboardError(() => readPeftLora(untargeted, { config }), 'ADAPTER_INVALID', 'model.layers.0.self_attn.q_proj', 'do not select');
  });

  it('NaN or Inf values are ADAPTER_INVALID naming the tensor', () => {
    const [a, b] = qPair();
    const poisoned = fill(32, 0.1);
    poisoned[7] = Number.NaN;
    expectPlugboardError(() => readPeftLora(writeFolder(baseConfig, [a!, { ...b!, values: poisoned }]), { config }), 'ADAPTER_INVALID', 'q_proj.lora_B.weight', 'NaN');
    poisoned[7] = Number.POSITIVE_INFINITY;
    expectPlugboardError(() => readPeftLora(writeFolder(baseConfig, [{ ...a!, values: poisoned }, b!]), { config }), 'ADAPTER_INVALID', 'q_proj.lora_A.weight', 'Infinity');
  });

  it('a corrupt safetensors file is SAFETENSORS_CORRUPT', () => {
    const dir = writeFolder(baseConfig, qPair());
    truncateSync(join(dir, ADAPTER_WEIGHTS_FILE), 100);
    expectPlugboardError(() => readPeftLora(dir, { config }), 'SAFETENSORS_CORRUPT');
  });
});
