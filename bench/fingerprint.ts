/**
 * Weights fingerprint benchmark: a ~235 MB F32 fixture (tied, 8 layers) is
 * fingerprinted cold (every byte hashed, then remembered in a fresh index)
 * and warm (same file identity: the index answers), then a cold and a warm
 * loadModel on a graph cache of their own. Prints one JSON object.
 * Run: pnpm bench:fingerprint
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, openWeights } from '@plugboard/core';
import { writeFixtureModel } from '@plugboard/core/testing';
import { log, median, printResult, round } from './lib/bench-io.ts';

const SHAPES = {
  hiddenSize: 512,
  numLayers: 8,
  numHeads: 8,
  numKvHeads: 2,
  intermediateSize: 2816,
  vocabSize: 32000,
  tieWordEmbeddings: true,
  ropeTheta: 10000,
  maxPositionEmbeddings: 2048,
  rmsNormEps: 1e-6,
};

function timed<T>(run: () => T): [T, number] {
  const started = performance.now();
  const value = run();
  return [value, performance.now() - started];
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'plugboard-bench-fingerprint-'));
  try {
    const { dir } = writeFixtureModel(join(root, 'model'), { ...SHAPES, seed: 1 });
    const bytes = statSync(join(dir, 'model.safetensors')).size;
    log(`fixture ${(bytes / 2 ** 20).toFixed(0)} MiB`);
    const indexDir = join(root, 'index');
    const fingerprint = () => {
      const weights = openWeights(dir, { fingerprintIndexDir: indexDir });
      try {
        return weights.fingerprint();
      } finally {
        weights.close();
      }
    };
    const [cold, coldMs] = timed(fingerprint);
    const warm = Array.from({ length: 5 }, () => timed(fingerprint));
    if (warm.some(([f]) => f !== cold)) throw new Error('the warm fingerprint differs from the cold one');
    const cacheDir = join(root, 'graphs');
    let started = performance.now();
    await (await loadModel(dir, { cacheDir, dtype: 'int4' })).dispose();
    const coldLoadMs = performance.now() - started;
    started = performance.now();
    const model = await loadModel(dir, { cacheDir, dtype: 'int4' });
    const warmLoadMs = performance.now() - started;
    await model.dispose();
    printResult({
      weights_bytes: bytes,
      cold_fingerprint_ms: round(coldMs),
      cold_hash_mib_per_s: round(bytes / 2 ** 20 / (coldMs / 1000), 0),
      warm_fingerprint_ms_median: round(median(warm.map(([, ms]) => ms)), 3),
      cold_load_int4_ms: round(coldLoadMs, 0),
      warm_load_int4_ms: round(warmLoadMs, 0),
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
