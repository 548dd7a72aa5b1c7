import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelEventEmitter } from '../events/model-events.ts';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import { openWeights } from '../hf/safetensors-weights.ts';
import { useTempDir } from '../testing/test-helpers.ts';
import { loadModel } from './load-model.ts';
import type { LoadProgress } from './load-progress.ts';

const tmp = useTempDir('load-progress');

/** The bytes of every tensor in a model folder's weights, counted independently of the reporter. */
function weightBytes(dir: string): number {
  const weights = openWeights(dir);
  try {
    return weights.names().reduce((sum, name) => sum + weights.info(name).byteLength, 0);
  } finally {
    weights.close();
  }
}

describe('loadModel progress', () => {
  it('reports the build byte by byte, then session and ready, to onProgress and as model:progress events', async () => {
    const dir = writeFixtureModel(join(tmp, 'fresh'), { ...TINY_SHAPES, seed: 3 }).dir;
    const total = weightBytes(dir);
    const seen: LoadProgress[] = [];
    const events = new ModelEventEmitter();
    const heard: LoadProgress[] = [];
    events.on('model:progress', (p) => heard.push(p));
    const model = await loadModel(dir, { cacheDir: join(tmp, 'graphs'), events, onProgress: (p) => seen.push(p) });
    await model.dispose();

    expect(heard).toEqual(seen);
    const build = seen.filter((p) => p.phase === 'build');
    // one report per tensor the graph reads (9 a layer at least), growing to every byte of the weights
    expect(build.length).toBeGreaterThanOrEqual(TINY_SHAPES.numLayers * 9);
    for (let i = 1; i < build.length; i++) expect(build[i]!.done).toBeGreaterThan(build[i - 1]!.done);
    expect(build.at(-1)!.done).toBe(total);
    expect(seen.every((p) => p.total === total)).toBe(true);
    expect(seen.slice(build.length).map((p) => p.phase)).toEqual(['session', 'ready']);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.elapsedMs).toBeGreaterThanOrEqual(seen[i - 1]!.elapsedMs);
  });

  it('skips the build when the graph comes from the cache', async () => {
    const dir = writeFixtureModel(join(tmp, 'cached'), { ...TINY_SHAPES, seed: 4 }).dir;
    const cacheDir = join(tmp, 'graphs');
    await (await loadModel(dir, { cacheDir })).dispose();
    const phases: string[] = [];
    await (await loadModel(dir, { cacheDir, onProgress: (p) => phases.push(p.phase) })).dispose();
    expect(phases).toEqual(['session', 'ready']);
  });
});
