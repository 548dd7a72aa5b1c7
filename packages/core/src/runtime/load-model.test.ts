import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPlugboardError } from '../errors/plugboard-error.ts';
import type { ErrorCode } from '../errors/plugboard-error.ts';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import { useTempDir } from '../testing/test-helpers.ts';
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
});
