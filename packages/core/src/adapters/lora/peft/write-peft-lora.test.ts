import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectPlugboardError, useTempDir } from '../../../testing/test-helpers.ts';
import { tinyModelConfig } from '../../../reference/random-model.ts';
import { SafetensorsFile } from '../../../hf/safetensors-file.ts';
import { ADAPTER_WEIGHTS_FILE } from '../../formats/adapter-files.ts';
import { peftLoraConfigFor } from './peft-lora-config-for.ts';
import { readPeftLora, readPeftLoraRaw } from './read-peft-lora.ts';
import { writePeftLora } from './write-peft-lora.ts';
import { randomPeftLora, writeRandomPeftLora } from './write-random-peft-lora.ts';

const tmp = useTempDir('write-peft-lora');
const config = tinyModelConfig({ numLayers: 4 });

describe('writePeftLora', () => {
  it('writes the keys and shapes PEFT saves', () => {
    const dir = join(tmp, 'keys');
    writeRandomPeftLora(dir, { config, rank: 3, alpha: 6, modules: ['v', 'down'], layers: [2], seed: 1 });
    const file = SafetensorsFile.open(join(dir, ADAPTER_WEIGHTS_FILE));
    expect(file.names()).toEqual([
      'base_model.model.model.layers.2.self_attn.v_proj.lora_A.weight',
      'base_model.model.model.layers.2.self_attn.v_proj.lora_B.weight',
      'base_model.model.model.layers.2.mlp.down_proj.lora_A.weight',
      'base_model.model.model.layers.2.mlp.down_proj.lora_B.weight',
    ]);
    expect(file.info('base_model.model.model.layers.2.mlp.down_proj.lora_A.weight').shape).toEqual([3, 24]);
    expect(file.info('base_model.model.model.layers.2.self_attn.v_proj.lora_B.weight').shape).toEqual([8, 3]);
    expect(file.metadata.format).toBe('pt');
    file.close();
  });

  it('round trip: write -> read -> write -> read gives identical weights and config (LISA layers, patterns, rsLoRA)', () => {
    const options = {
      config,
      rank: 4,
      alpha: 8,
      modules: ['q', 'k', 'gate'] as const,
      layers: [1, 3],
      seed: 2,
      useRslora: true,
      rankPattern: { 'layers.3.mlp.gate_proj': 2 },
      alphaPattern: { k_proj: 5 },
      baseFingerprint: 'fp',
    };
    const first = join(tmp, 'first');
    const second = join(tmp, 'second');
    const source = randomPeftLora(options);
    const written = writePeftLora(first, source);
    const raw = readPeftLoraRaw(first, { config });
    expect(raw.sha256).toBe(written.sha256);
    expect(raw.config).toEqual(source.config);
    expect(raw.config.layers_to_transform).toEqual([1, 3]);
    expect(raw.config.rank_pattern).toEqual({ 'layers.3.mlp.gate_proj': 2 });
    expect(raw.config.alpha_pattern).toEqual({ k_proj: 5 });
    expect(raw.config.use_rslora).toBe(true);
    expect([...raw.weights.keys()].sort()).toEqual([...source.weights.keys()].sort());
    for (const [key, pair] of source.weights) expect(raw.weights.get(key)).toEqual(pair);

    const rewritten = writePeftLora(second, raw);
    expect(rewritten.sha256).toBe(written.sha256); // byte-identical weights file
    const again = readPeftLoraRaw(second, { config });
    expect(again.config).toEqual(raw.config);
    expect(again.baseFingerprint).toBe('fp');
    const loadedFirst = readPeftLora(first, { config });
    const loadedSecond = readPeftLora(second, { config });
    expect(loadedSecond.weights).toEqual(loadedFirst.weights);
    expect(loadedSecond.layers).toEqual([1, 3]);
  });

  it('unknown config fields survive the round trip', () => {
    const source = randomPeftLora({ config, rank: 2, alpha: 2, modules: ['o'], seed: 3 });
    const dir = join(tmp, 'extra');
    writePeftLora(dir, { ...source, config: { ...source.config, revision: 'main', custom_note: 'kept' } });
    expect(readPeftLoraRaw(dir, { config }).config).toMatchObject({ revision: 'main', custom_note: 'kept', task_type: 'CAUSAL_LM' });
  });

  it('refuses weights the config does not target, ranks that disagree, bad sizes, non-finite values and unsupported options', () => {
    const source = randomPeftLora({ config, rank: 2, alpha: 2, modules: ['q'], layers: [0], seed: 4 });
    const pair = source.weights.get('0.q')!;
    const write = (overrides: Partial<typeof source>) => () => writePeftLora(join(tmp, 'bad'), { ...source, ...overrides });
    expectPlugboardError(write({ weights: new Map([['1.q', pair]]) }), 'ADAPTER_INVALID', 'model.layers.1.self_attn.q_proj');
    expectPlugboardError(write({ config: peftLoraConfigFor({ rank: 4, alpha: 2, modules: ['q'] }) }), 'ADAPTER_INVALID', 'rank 2', 'rank 4');
    expectPlugboardError(write({ weights: new Map([['0.q', { ...pair, a: pair.a.subarray(1) }]]) }), 'ADAPTER_INVALID', 'values');
    expectPlugboardError(write({ weights: new Map([['0.q', { ...pair, b: pair.b.map(() => Number.NaN) }]]) }), 'ADAPTER_INVALID', '0.q.b');
    expectPlugboardError(write({ weights: new Map([['0.query', pair]]) }), 'INVALID_ARGUMENT', '0.query');
    expectPlugboardError(write({ weights: new Map() }), 'ADAPTER_INVALID', 'no weights');
    expectPlugboardError(write({ config: { ...source.config, use_dora: true } }), 'UNSUPPORTED_FEATURE', 'use_dora');
  });
});
