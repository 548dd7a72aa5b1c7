import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPlugboardError, PlugboardError } from '../errors/plugboard-error.ts';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import { expectPlugboardError, useTempDir } from '../testing/test-helpers.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import type { AdapterSlotLayout } from '../model/adapter-slots.ts';
import { maxAbsDiff } from '../reference/max-abs-diff.ts';
import { randomSlotTensors } from '../reference/random-model.ts';
import { KvCache } from './kv-cache.ts';
import type { Model } from './load-model.ts';
import { loadModel } from './load-model.ts';
import { prefill } from './prefill.ts';
import { runStep } from './step.ts';
import type { StepRow } from './step.ts';

const tmp = useTempDir('prefill');
const layout: AdapterSlotLayout = { slots: 2, lora: { rank: 4, modules: ['q', 'v', 'up'] } };
let model: Model;

beforeAll(async () => {
  const dir = writeFixtureModel(join(tmp, 'model'), { ...TINY_SHAPES, architecture: 'qwen2', seed: 9 }).dir;
  model = await loadModel(dir, { cacheDir: join(tmp, 'graphs'), adapters: layout, prefillChunkTokens: 5 });
  for (const [name, tensor] of randomSlotTensors(model.config, layout, 4, 0.3)) model.slots.get(name)!.data.set(tensor.data);
});
afterAll(() => model.dispose());

const tokens = Array.from({ length: 23 }, (_, i) => (i * 37 + 3) % 400);
// the adapter applies to every third token only, so a mis-sliced mask changes the result
const row: StepRow = { tokens, adapterSlot: 1, adapterMask: tokens.map((_, i) => (i % 3 === 0 ? 1 : 0)) };

/** Row b's first `length` cached keys of layer 0, head by head. */
function cachedRow(cache: KvCache, b: number, length: number): Float32Array {
  const feed = Object.values(cache.feeds())[0]!;
  const [, heads, capacity, headDim] = feed.dims as number[];
  const data = feed.data as Float32Array;
  return Float32Array.from({ length: heads! * length * headDim! }, (_, i) => {
    const h = Math.floor(i / (length * headDim!));
    return data[((b * heads! + h) * capacity! * headDim!) + (i % (length * headDim!))]!;
  });
}

/** The same model and slot contents, but prefilling every prompt in one run (or with other attention ops). */
async function oneRunModel(attention: 'gqa' | 'matmul' = 'gqa'): Promise<Model> {
  const oneRun = await loadModel(model.dir, { cacheDir: join(tmp, 'graphs'), adapters: layout, prefillChunkTokens: 1000, attention });
  oneRun.slots.forEach((t, name) => t.data.set(model.slots.get(name)!.data));
  return oneRun;
}

async function prefilled(chunkTokens: number | undefined, past: number[] = [], on: Model = model) {
  const cache = KvCache.empty(on.config, 1);
  if (past.length > 0) await prefill(on.session, cache, [{ tokens: past }], on.slotFeeds());
  const output = await prefill(on.session, cache, [row], on.slotFeeds(), { chunkTokens });
  return { cache, logits: output.logits };
}

describe('chunked prefill', () => {
  it('gives the same last-token logits and cache as one run, with the adapter mask sliced per chunk', async () => {
    const whole = await prefilled(undefined);
    for (const chunk of [1, 5, 22]) {
      const chunked = await prefilled(chunk);
      expect(maxAbsDiff(chunked.logits, whole.logits)).toBeLessThan(1e-4);
      expect(chunked.cache.lengths).toEqual([23]);
      expect(maxAbsDiff(cachedRow(chunked.cache, 0, 23), cachedRow(whole.cache, 0, 23))).toBeLessThan(1e-4);
    }
  });

  it('continues a cache that already holds tokens', async () => {
    const past = [7, 8, 9, 10, 11, 12, 13];
    const whole = await prefilled(undefined, past);
    const chunked = await prefilled(4, past);
    expect(maxAbsDiff(chunked.logits, whole.logits)).toBeLessThan(1e-4);
    expect(chunked.cache.lengths).toEqual([30]);
  });

  it("matmul attention continues a cache chunk by chunk to GQA's logits and cache", async () => {
    const past = [7, 8, 9, 10, 11, 12, 13];
    const matmul = await oneRunModel('matmul');
    try {
      const expected = await prefilled(undefined, past);
      for (const chunk of [1, 4, 30]) {
        const got = await prefilled(chunk, past, matmul);
        expect(maxAbsDiff(got.logits, expected.logits)).toBeLessThan(1e-4);
        expect(maxAbsDiff(cachedRow(got.cache, 0, 30), cachedRow(expected.cache, 0, 30))).toBeLessThan(1e-4);
      }
    } finally {
      await matmul.dispose();
    }
  });

  it('a cancellation between chunks leaves exactly the finished chunks in the cache', async () => {
    const cache = KvCache.empty(model.config, 1);
    let runs = 0;
    const beforeRun = () => {
      if (++runs === 3) throw new PlugboardError('ABORTED', 'stop');
    };
    await expect(prefill(model.session, cache, [row], model.slotFeeds(), { chunkTokens: 5, beforeRun })).rejects.toSatisfy((e) => isPlugboardError(e, 'ABORTED'));
    expect(cache.lengths).toEqual([10]);
  });

  it('generate() with a long prompt chunks it and matches a model that prefills in one run', async () => {
    const oneRun = await oneRunModel();
    const a = await model.complete({ tokens }, { temperature: 0, maxTokens: 6, ignoreEos: true, adapterSlot: 1 });
    const b = await oneRun.complete({ tokens }, { temperature: 0, maxTokens: 6, ignoreEos: true, adapterSlot: 1 });
    await oneRun.dispose();
    expect(a.tokens).toEqual(b.tokens);
  });

  it('a batch with a prompt longer than a chunk prefills each row alone: same logits and cache as one padded run', async () => {
    const short: StepRow = { tokens: [5, 6, 7], adapterSlot: 0 };
    const batched = KvCache.empty(model.config, 2);
    const whole = await runStep(model.session, batched, [row, short], model.slotFeeds());
    const byRow = KvCache.empty(model.config, 2);
    const chunked = await prefill(model.session, byRow, [row, short], model.slotFeeds(), { chunkTokens: 5 });
    expect(chunked.tokensPerRow).toBe(1);
    expect(maxAbsDiff(chunked.logits, whole.logits)).toBeLessThan(1e-4);
    expect(byRow.lengths).toEqual([23, 3]);
    expect(maxAbsDiff(cachedRow(byRow, 0, 23), cachedRow(batched, 0, 23))).toBeLessThan(1e-4);
    expect(maxAbsDiff(cachedRow(byRow, 1, 3), cachedRow(batched, 1, 3))).toBeLessThan(1e-4);
  });

  it('copyRow refuses a row outside either cache', () => {
    expectPlugboardError(() => KvCache.empty(model.config, 2).copyRow(0, KvCache.empty(model.config, 2), 2), 'INVALID_ARGUMENT', 'copyRow needs');
    expectPlugboardError(() => KvCache.empty(model.config, 1).copyRow(1, KvCache.empty(model.config, 1)), 'INVALID_ARGUMENT', 'copyRow needs');
  });

  it('generateBatch with a long and a short prompt on different slots matches prefilling in one run', async () => {
    const oneRun = await oneRunModel();
    const requests = [{ prompt: { tokens }, adapterSlot: 1 }, { prompt: { tokens: [9, 8, 7] }, adapterSlot: 0 }];
    const options = { temperature: 0, maxTokens: 5, ignoreEos: true };
    const a = await model.generateBatch(requests, options).result;
    const b = await oneRun.generateBatch(requests, options).result;
    await oneRun.dispose();
    expect(a.map((r) => r.tokens)).toEqual(b.map((r) => r.tokens));
  });

  it('an abort signal stops a chunked prefill with ABORTED', async () => {
    const controller = new AbortController();
    model.events.once('generate:start', () => controller.abort());
    await expect(model.complete({ tokens }, { maxTokens: 4, signal: controller.signal })).rejects.toSatisfy((e) => isPlugboardError(e, 'ABORTED'));
  });
});
