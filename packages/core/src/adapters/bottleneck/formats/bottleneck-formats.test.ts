import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectPlugboardError, useTempDir } from '../../../testing/test-helpers.ts';
import { writeSafetensors } from '../../../hf/safetensors-writer.ts';
import type { TensorToWrite } from '../../../hf/safetensors-writer.ts';
import { tinyModelConfig } from '../../../reference/random-model.ts';
import { SafetensorsFile } from '../../../hf/safetensors-file.ts';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, PLUGBOARD_ADAPTER_FILE } from '../../formats/adapter-files.ts';
import { readPlugboardBottleneck } from './read-plugboard-bottleneck.ts';
import { readSwiftAdapter } from './read-swift-adapter.ts';
import { randomBottleneck, writeRandomBottleneck } from './write-random-bottleneck.ts';
import { writePlugboardBottleneck } from './write-plugboard-bottleneck.ts';
import { writeSwiftAdapter } from './write-swift-adapter.ts';

const tmp = useTempDir('bottleneck-formats');
const config = tinyModelConfig({ numLayers: 4 }); // hidden 16
let counter = 0;
const freshDir = () => join(tmp, `adapter-${counter++}`);

/** A hand-made ms-swift folder: width 2, layer 0 only, keys with the given prefix. */
function writeSwiftFolder(overrides: Record<string, unknown> = {}, edit: (tensors: TensorToWrite[]) => TensorToWrite[] = (t) => t, prefix = 'base_model.model.model.layers.0.mlp.adapter_default'): string {
  const dir = freshDir();
  mkdirSync(dir, { recursive: true });
  const adapterConfig = { swift_type: 'ADAPTER', dim: 16, adapter_length: 2, act_layer: 'relu', target_modules: String.raw`model\.layers\.0\.mlp`, ...overrides };
  writeFileSync(join(dir, ADAPTER_CONFIG_FILE), JSON.stringify(adapterConfig));
  const linear1 = Float32Array.from({ length: 32 }, (_, i) => i); // [2, 16]
  const linear2 = Float32Array.from({ length: 32 }, (_, i) => -i); // [16, 2]
  const tensors: TensorToWrite[] = [
    { name: `${prefix}.linear1.weight`, dtype: 'F32', shape: [2, 16], values: linear1 },
    { name: `${prefix}.linear1.bias`, dtype: 'F32', shape: [2], values: Float32Array.of(1, 2) },
    { name: `${prefix}.linear2.weight`, dtype: 'F32', shape: [16, 2], values: linear2 },
    { name: `${prefix}.linear2.bias`, dtype: 'F32', shape: [16], values: new Float32Array(16).fill(3) },
  ];
  writeSafetensors(join(dir, ADAPTER_WEIGHTS_FILE), edit(tensors));
  return dir;
}

describe('ms-swift Adapter reader', () => {
  it('maps linear1/linear2 (nn.Linear [out, in]) to down [d, m] and up [m, d], with their biases', () => {
    const adapter = readSwiftAdapter(writeSwiftFolder(), { config, name: 'swift' });
    expect(adapter).toMatchObject({ kind: 'adapter', name: 'swift', width: 2, activation: 'relu', baseFingerprint: null });
    expect([...adapter.weights.keys()]).toEqual([0]);
    const w = adapter.weights.get(0)!;
    // down[i][j] = linear1.weight[j][i] = j*16 + i
    expect(w.down[5 * 2 + 1]).toBe(1 * 16 + 5);
    // up[j][o] = linear2.weight[o][j] = -(o*2 + j)
    expect(w.up[1 * 16 + 7]).toBe(-(7 * 2 + 1));
    expect([...w.downBias]).toEqual([1, 2]);
    expect(w.upBias[15]).toBe(3);
  });

  it("accepts ms-swift's own key form (no base_model prefix, a named adapter) and a list target", () => {
    const dir = writeSwiftFolder({ target_modules: ['layers.0.mlp'] }, (t) => t, 'model.layers.0.mlp.adapter_skill');
    expect(readSwiftAdapter(dir, { config }).weights.size).toBe(1);
  });

  it('round trip through writeSwiftAdapter keeps every value (LISA layers, gelu)', () => {
    const source = randomBottleneck({ config, width: 3, activation: 'gelu', layers: [1, 3], seed: 1 });
    const dir = freshDir();
    const written = writeSwiftAdapter(dir, source);
    const adapter = readSwiftAdapter(dir, { config });
    expect(adapter.sha256).toBe(written.sha256);
    expect(adapter.activation).toBe('gelu');
    expect(adapter.weights).toEqual(source.weights);
    const file = SafetensorsFile.open(join(dir, ADAPTER_WEIGHTS_FILE));
    expect(file.names()).toContain('model.layers.3.mlp.adapter_default.linear1.weight');
    expect(file.info('model.layers.3.mlp.adapter_default.linear2.weight').shape).toEqual([16, 3]);
    file.close();
  });

  it('refuses what it cannot run or load', () => {
    expectPlugboardError(() => readSwiftAdapter(writeSwiftFolder({ act_layer: 'gelu_new' }), { config }), 'UNSUPPORTED_FEATURE', 'act_layer', 'gelu_new');
    expectPlugboardError(() => readSwiftAdapter(writeSwiftFolder({ method_name: 'feed_forward_chunk' }), { config }), 'UNSUPPORTED_FEATURE', 'method_name');
    expectPlugboardError(() => readSwiftAdapter(writeSwiftFolder({}, (t) => t, 'model.layers.0.self_attn.adapter_default'), { config }), 'UNSUPPORTED_FEATURE', 'self_attn');
    expectPlugboardError(() => readSwiftAdapter(writeSwiftFolder({ dim: 32 }), { config }), 'ADAPTER_INCOMPATIBLE', 'dim 32');
    expectPlugboardError(() => readSwiftAdapter(writeSwiftFolder({ swift_type: 'LORA' }), { config }), 'ADAPTER_INVALID', 'swift_type');
    expectPlugboardError(() => readSwiftAdapter(writeSwiftFolder({ adapter_length: 'x' }), { config }), 'ADAPTER_INVALID', 'adapter_length');
    expectPlugboardError(() => readSwiftAdapter(writeSwiftFolder({ adapter_length: 4 }), { config }), 'ADAPTER_INVALID', 'linear1.weight', '[2,16]');
    expectPlugboardError(() => readSwiftAdapter(writeSwiftFolder({}, (t) => t.slice(1)), { config }), 'ADAPTER_INVALID', 'downWeight');
    expectPlugboardError(() => readSwiftAdapter(writeSwiftFolder({ target_modules: String.raw`model\.layers\.[01]\.mlp` }), { config }), 'ADAPTER_INVALID', 'model.layers.1.mlp');
    expectPlugboardError(() => readSwiftAdapter(writeSwiftFolder({ target_modules: String.raw`model\.layers\.2\.mlp` }), { config }), 'ADAPTER_INVALID', 'model.layers.0.mlp');
    const nan = (t: TensorToWrite[]) => t.map((x, i) => (i === 3 ? { ...x, values: new Float32Array(16).fill(Number.NaN) } : x));
    expectPlugboardError(() => readSwiftAdapter(writeSwiftFolder({}, nan), { config }), 'ADAPTER_INVALID', 'linear2.bias', 'NaN');
  });

  it('an adapter for a wider model is ADAPTER_INCOMPATIBLE; layers past the model too', () => {
    const wide = freshDir();
    writeRandomBottleneck(wide, { config: tinyModelConfig({ hiddenSize: 32, numLayers: 4 }), width: 2, activation: 'relu', seed: 2, format: 'swift' });
    expectPlugboardError(() => readSwiftAdapter(wide, { config }), 'ADAPTER_INCOMPATIBLE', 'dim 32');
    const deep = freshDir();
    writeRandomBottleneck(deep, { config, width: 2, activation: 'relu', layers: [3], seed: 3, format: 'swift' });
    expectPlugboardError(() => readSwiftAdapter(deep, { config: tinyModelConfig({ numLayers: 2 }) }), 'ADAPTER_INCOMPATIBLE', 'layer 3');
  });
});

describe('our bottleneck format', () => {
  it('round trip: write -> read gives the same weights, activation, width, layers and base fingerprint', () => {
    const source = randomBottleneck({ config, width: 4, activation: 'silu', layers: [0, 2], seed: 4, baseFingerprint: 'base-fp' });
    const dir = freshDir();
    const written = writePlugboardBottleneck(dir, source, { baseModelName: 'tiny/llama' });
    const adapter = readPlugboardBottleneck(dir, { config, name: 'mine' });
    expect(adapter).toMatchObject({ kind: 'adapter', name: 'mine', width: 4, activation: 'silu', baseFingerprint: 'base-fp', sha256: written.sha256 });
    expect(adapter.weights).toEqual(source.weights);
    const again = freshDir();
    expect(writePlugboardBottleneck(again, adapter, { baseModelName: 'tiny/llama' }).sha256).toBe(written.sha256);
    const file = SafetensorsFile.open(join(dir, ADAPTER_WEIGHTS_FILE));
    expect(file.names()).toEqual([0, 2].flatMap((i) => ['down.weight', 'down.bias', 'up.weight', 'up.bias'].map((p) => `layers.${i}.adapter.${p}`)));
    expect(file.info('layers.2.adapter.down.weight').shape).toEqual([4, 16]);
    file.close();
  });

  it('refuses a bad manifest, another model, and a manifest that disagrees with the weights', () => {
    const dir = freshDir();
    writeRandomBottleneck(dir, { config, width: 2, activation: 'gelu', layers: [1], seed: 5 });
    const manifest = { format: 'plugboard-adapter', version: 1, kind: 'bottleneck', width: 2, activation: 'gelu', hidden_size: 16, layers: [1], base_model: { name: null, fingerprint: null } };
    const rewrite = (m: Record<string, unknown>) => writeFileSync(join(dir, PLUGBOARD_ADAPTER_FILE), JSON.stringify(m));
    rewrite({ ...manifest, activation: 'tanh' });
    expectPlugboardError(() => readPlugboardBottleneck(dir, { config }), 'ADAPTER_INVALID', 'activation');
    rewrite({ ...manifest, hidden_size: 32 });
    expectPlugboardError(() => readPlugboardBottleneck(dir, { config }), 'ADAPTER_INCOMPATIBLE', 'hidden_size 32');
    rewrite({ ...manifest, layers: [0, 1] });
    expectPlugboardError(() => readPlugboardBottleneck(dir, { config }), 'ADAPTER_INVALID', 'layers [0,1]');
    rewrite({ ...manifest, width: 3 });
    expectPlugboardError(() => readPlugboardBottleneck(dir, { config }), 'ADAPTER_INVALID', '[3,16]');
    expectPlugboardError(() => readPlugboardBottleneck(join(tmp, 'missing'), { config }), 'FILE_NOT_FOUND', PLUGBOARD_ADAPTER_FILE);
  });

  it('the writers refuse inconsistent sizes and non-finite values', () => {
    const source = randomBottleneck({ config, width: 2, activation: 'relu', layers: [0], seed: 6 });
    const w = source.weights.get(0)!;
    expectPlugboardError(() => writePlugboardBottleneck(freshDir(), { ...source, weights: new Map([[0, { ...w, downBias: new Float32Array(3) }]]) }), 'ADAPTER_INVALID', 'layer 0');
    expectPlugboardError(() => writeSwiftAdapter(freshDir(), { ...source, weights: new Map([[0, { ...w, upBias: w.upBias.map(() => Infinity) }]]) }), 'ADAPTER_INVALID', 'upBias');
    expectPlugboardError(() => writeSwiftAdapter(freshDir(), { ...source, weights: new Map() }), 'ADAPTER_INVALID', 'no layers');
  });
});
