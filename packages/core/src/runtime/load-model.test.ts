import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { expectedWeightShapes } from '../hf/config.ts';
import { openWeights } from '../hf/safetensors-weights.ts';
import { writeSafetensors } from '../hf/safetensors-writer.ts';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPlugboardError } from '../errors/plugboard-error.ts';
import type { ErrorCode } from '../errors/plugboard-error.ts';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import { flipUnsampledByte, useTempDir } from '../testing/test-helpers.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import { ModelEventEmitter } from '../events/model-events.ts';
import { loadModel } from './load-model.ts';

const tmp = useTempDir('load-model');
const cacheDir = join(tmp, 'graphs');

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isPlugboardError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
}

describe('loadModel', () => {
  it('builds the graph once, then loads it from the cache', async () => {
    const dir = writeFixtureModel(join(tmp, 'cached'), { ...TINY_SHAPES, seed: 1 }).dir;
    const events = new ModelEventEmitter();
    const loads: boolean[] = [];
    events.on('model:load', (e) => loads.push(e.fromCache));
    const first = await loadModel(dir, { cacheDir, events });
    const second = await loadModel(dir, { cacheDir, events });
    expect(loads).toEqual([false, true]);
    expect(second.graphPath).toBe(first.graphPath);
    // different build options are a different graph
    const int8 = await loadModel(dir, { cacheDir, dtype: 'int8' });
    expect(int8.graphPath).not.toBe(first.graphPath);
    await Promise.all([first.dispose(), second.dispose(), int8.dispose()]);
  });

  it('new weights under the same name get a new graph', async () => {
    const dir = join(tmp, 'reweighted');
    writeFixtureModel(dir, { ...TINY_SHAPES, seed: 1 });
    const before = await loadModel(dir, { cacheDir });
    writeFixtureModel(dir, { ...TINY_SHAPES, seed: 2 });
    const after = await loadModel(dir, { cacheDir });
    expect(after.weightsFingerprint).not.toBe(before.weightsFingerprint);
    expect(after.graphPath).not.toBe(before.graphPath);
    await Promise.all([before.dispose(), after.dispose()]);
  });

  it('refuses a missing folder, a missing config and missing weights with FILE_NOT_FOUND', async () => {
    await expectCode(loadModel(join(tmp, 'nope'), { cacheDir }), 'FILE_NOT_FOUND');
    const dir = writeFixtureModel(join(tmp, 'partial'), { ...TINY_SHAPES }).dir;
    rmSync(join(dir, 'model.safetensors'));
    await expectCode(loadModel(dir, { cacheDir }), 'FILE_NOT_FOUND');
    rmSync(join(dir, 'config.json'));
    await expectCode(loadModel(dir, { cacheDir }), 'FILE_NOT_FOUND');
  });

  it('refuses an unsupported architecture', async () => {
    const dir = writeFixtureModel(join(tmp, 'gpt2'), { ...TINY_SHAPES }).dir;
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'gpt2', hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 128, vocab_size: 512 }));
    await expectCode(loadModel(dir, { cacheDir }), 'UNSUPPORTED_ARCHITECTURE');
  });

  it('refuses weights whose shape disagrees with the config', async () => {
    const dir = writeFixtureModel(join(tmp, 'mismatch'), { ...TINY_SHAPES }).dir;
    const config = JSON.parse((await import('node:fs')).readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, intermediate_size: 96 }));
    await expectCode(loadModel(dir, { cacheDir }), 'WEIGHT_SHAPE_MISMATCH');
  });

  it('refuses invalid options and a context longer than the model supports', async () => {
    const dir = writeFixtureModel(join(tmp, 'options'), { ...TINY_SHAPES }).dir;
    await expectCode(loadModel(dir, { cacheDir, dtype: 'int3' as 'int4' }), 'INVALID_ARGUMENT');
    await expectCode(loadModel(dir, { cacheDir, contextLength: 1_000_000 }), 'INVALID_ARGUMENT');
  });

  it('sizes the rotary table by contextLength (part of the cache key) and refuses absurd contexts clearly', async () => {
    const huge = writeFixtureModel(join(tmp, 'huge-context'), { ...TINY_SHAPES, maxPositionEmbeddings: 2 ** 31 }).dir;
    const error = await loadModel(huge, { cacheDir }).then(() => null, (e: unknown) => e);
    expect(isPlugboardError(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
    expect((error as Error).message).toContain('contextLength');
    const small = await loadModel(huge, { cacheDir, contextLength: 64 });
    const other = await loadModel(huge, { cacheDir, contextLength: 128 });
    expect(small.contextLength).toBe(64);
    expect(other.graphPath).not.toBe(small.graphPath);
    expect((await small.complete({ tokens: [1, 2, 3] }, { temperature: 0, maxTokens: 2, ignoreEos: true })).tokens).toHaveLength(2);
    await Promise.all([small.dispose(), other.dispose()]);
  });

  it('refuses num_hidden_layers smaller than the weights with WEIGHT_UNEXPECTED unless the extras are ignored explicitly (issue 9 item 3)', async () => {
    const dir = writeFixtureModel(join(tmp, 'fewer-layers'), { ...TINY_SHAPES, numLayers: 2 }).dir;
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, num_hidden_layers: 1 }));
    await expectCode(loadModel(dir, { cacheDir }), 'WEIGHT_UNEXPECTED');
    const model = await loadModel(dir, { cacheDir, ignoreUnexpectedWeights: true });
    expect(model.config.numLayers).toBe(1);
    await model.dispose();
  });

  it('a checkpoint with the same header and size but other bytes gets its own graph, not the cached one of another folder (issue 9 item 1)', async () => {
    const shapes = { ...TINY_SHAPES, hiddenSize: 128, intermediateSize: 512, seed: 3 };
    const a = writeFixtureModel(join(tmp, 'stale-a'), shapes).dir;
    const b = writeFixtureModel(join(tmp, 'stale-b'), shapes).dir;
    flipUnsampledByte(join(b, 'model.safetensors'));
    const first = await loadModel(a, { cacheDir });
    const second = await loadModel(b, { cacheDir });
    expect(second.weightsFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(second.weightsFingerprint).not.toBe(first.weightsFingerprint);
    expect(second.graphPath).not.toBe(first.graphPath);
    await Promise.all([first.dispose(), second.dispose()]);
  });

  it('refuses non-finite base weights with NUMERIC_ERROR naming the tensor, found while the build reads them, and caches nothing (issue 9 item 2a)', async () => {
    for (const [tensor, value, dtype] of [
      ['model.norm.weight', Number.NaN, 'fp32'],
      ['model.layers.1.mlp.up_proj.weight', Number.POSITIVE_INFINITY, 'int4'],
    ] as const) {
      const dir = writeFixtureModel(join(tmp, `non-finite-${dtype}`), { ...TINY_SHAPES }).dir;
      setWeightValue(dir, tensor, 3, value);
      const ownCache = join(tmp, `non-finite-cache-${dtype}`);
      const error = await loadModel(dir, { cacheDir: ownCache, dtype }).catch((e: unknown) => e);
      expect(isPlugboardError(error, 'NUMERIC_ERROR'), String(error)).toBe(true);
      expect((error as Error).message).toContain(`"${tensor}" holds ${value} at index 3`);
      expect(readdirSync(ownCache).filter((name) => name !== 'fingerprints')).toEqual([]);
    }
  });

  it('records the base weight norms at build and has them again on a warm load', async () => {
    const dir = writeFixtureModel(join(tmp, 'norms'), { ...TINY_SHAPES, seed: 8 }).dir;
    const cold = await loadModel(dir, { cacheDir, rebuild: true });
    const warm = await loadModel(dir, { cacheDir });
    const weights = openWeights(dir, { fingerprintIndexDir: join(tmp, 'index') });
    const q = weights.float32('model.layers.0.self_attn.q_proj.weight');
    weights.close();
    expect(cold.baseWeightNorms.get('model.layers.0.self_attn.q_proj.weight')).toBeCloseTo(Math.hypot(...q), 3);
    expect([...warm.baseWeightNorms]).toEqual([...cold.baseWeightNorms]);
    expect(cold.baseWeightNorms.size).toBe(expectedWeightShapes(cold.config).size);
    await Promise.all([cold.dispose(), warm.dispose()]);
  });
});

/** Rewrites one value of one tensor of a fixture folder's model.safetensors. */
function setWeightValue(dir: string, tensor: string, index: number, value: number): void {
  const weights = openWeights(dir, { fingerprintIndexDir: join(tmp, 'index') });
  const tensors = weights.names().map((name) => {
    const values = weights.float32(name);
    if (name === tensor) values[index] = value;
    return { name, dtype: 'F32' as const, shape: weights.info(name).shape, values };
  });
  weights.close();
  writeSafetensors(join(dir, 'model.safetensors'), tensors);
}
