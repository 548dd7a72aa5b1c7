/**
 * Rows joining and leaving a KvCache between runs (what a continuous batch
 * does): a row prefilled alone and added to a batch, with other rows removed
 * around it, decodes exactly what it decodes alone.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import { expectPlugboardError, useTempDir } from '../testing/test-helpers.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import { maxAbsDiff } from '../reference/max-abs-diff.ts';
import { KvCache } from './kv-cache.ts';
import type { Model } from './load-model.ts';
import { loadModel } from './load-model.ts';
import { runStep } from './step.ts';

const tmp = useTempDir('kv-rows');
let model: Model;

beforeAll(async () => {
  const dir = writeFixtureModel(join(tmp, 'model'), { ...TINY_SHAPES, seed: 4 }).dir;
  model = await loadModel(dir, { cacheDir: join(tmp, 'graphs') });
});
afterAll(() => model.dispose());

const prompt = (n: number, seed: number) => Array.from({ length: n }, (_, i) => (seed * 17 + i * 23) % 400);

/** A single-row cache holding `tokens`. */
async function prefilled(tokens: number[]): Promise<KvCache> {
  const cache = KvCache.empty(model.config, 1);
  await runStep(model.session, cache, [{ tokens }], null);
  return cache;
}

/** Logits of one decode step of `token` over a copy of `cache` row 0, alone. */
async function aloneLogits(cache: KvCache, token: number): Promise<Float32Array> {
  const copy = KvCache.empty(model.config, 1);
  copy.copyRow(0, cache);
  return (await runStep(model.session, copy, [{ tokens: [token] }], null)).logits;
}

describe('KvCache rows', () => {
  it('rows added (past the row capacity) and removed decode what each decodes alone', async () => {
    const singles = await Promise.all([prefilled(prompt(5, 1)), prefilled(prompt(9, 2)), prefilled(prompt(3, 3)), prefilled(prompt(7, 4))]);
    const batch = KvCache.empty(model.config, 0);
    expect(singles.map((s) => batch.addRow(s))).toEqual([0, 1, 2, 3]);
    expect(batch.lengths).toEqual([5, 9, 3, 7]);
    // row 1 leaves: the last row (7 tokens) takes its place
    batch.removeRow(1);
    expect(batch.lengths).toEqual([5, 7, 3]);
    const order = [singles[0]!, singles[3]!, singles[2]!];
    const tokens = [11, 12, 13];
    const out = await runStep(model.session, batch, tokens.map((t) => ({ tokens: [t] })), null);
    for (const [b, single] of order.entries()) {
      const alone = await aloneLogits(single, tokens[b]!);
      expect(maxAbsDiff(out.logits.subarray(b * out.vocabSize, (b + 1) * out.vocabSize), alone)).toBeLessThan(1e-5);
    }
    expect(batch.lengths).toEqual([6, 8, 4]);
    // a row copied back out holds what the batch computed for it
    const back = KvCache.empty(model.config, 1);
    back.copyRow(0, batch, 1);
    expect(back.lengths).toEqual([8]);
    const next = await runStep(model.session, batch, [{ tokens: [1] }, { tokens: [2] }, { tokens: [3] }], null);
    expect(maxAbsDiff(next.logits.subarray(next.vocabSize, 2 * next.vocabSize), await aloneLogits(back, 2))).toBeLessThan(1e-5);
  });

  it('removing the last row and every row leaves an empty batch that takes rows again', async () => {
    const batch = KvCache.empty(model.config, 0);
    batch.addRow(await prefilled(prompt(4, 5)));
    batch.addRow(await prefilled(prompt(6, 6)));
    batch.removeRow(1);
    batch.removeRow(0);
    expect(batch.batch).toBe(0);
    expectPlugboardError(() => batch.removeRow(0), 'INVALID_ARGUMENT', 'removeRow needs');
    const single = await prefilled(prompt(8, 7));
    batch.addRow(single);
    const out = await runStep(model.session, batch, [{ tokens: [9] }], null);
    expect(maxAbsDiff(out.logits, await aloneLogits(single, 9))).toBeLessThan(1e-5);
  });
});
