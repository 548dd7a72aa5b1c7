/**
 * `prefillDtype`: prompts go through a second graph at another precision, the
 * decode steps through the model's own. Checked against the same composition
 * built by hand from two separately loaded models (an int8 prefill, then int4
 * decode steps over its KV cache), and by which session each run went to.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import { ModelEventEmitter } from '../events/model-events.ts';
import { maxAbsDiff } from '../reference/max-abs-diff.ts';
import { useTempDir } from '../testing/test-helpers.ts';
import { KvCache } from './kv-cache.ts';
import type { Model } from './load-model.ts';
import { loadModel } from './load-model.ts';
import { runStep } from './step.ts';

const tmp = useTempDir('prefill-dtype');
const cacheDir = join(tmp, 'graphs');
let dir: string;
const opened: Model[] = [];
const load = async (...args: Parameters<typeof loadModel>) => {
  const model = await loadModel(...args);
  opened.push(model);
  return model;
};

beforeAll(() => {
  // K = 128 and 256: whole int4/int8 blocks
  dir = writeFixtureModel(join(tmp, 'model'), { ...TINY_SHAPES, seed: 3, hiddenSize: 128, intermediateSize: 256, tieWordEmbeddings: false }).dir;
});
afterAll(async () => {
  for (const model of opened) await model.dispose();
});

const argmax = (logits: Float32Array) => logits.reduce((best, v, i) => (v > (logits[best] as number) ? i : best), 0);
const prompt = Array.from({ length: 11 }, (_, i) => (i * 37 + 5) % 500);

describe('loadModel({ prefillDtype })', () => {
  it('prefills on the int8 graph and decodes on the int4 one: greedy tokens equal the hand-made composition', async () => {
    const options = { cacheDir, contextLength: 64, intraOpNumThreads: 1 };
    const mixed = await load(dir, { ...options, dtype: 'int4', prefillDtype: 'int8' });
    expect(mixed.prefillSession).not.toBe(mixed.session);
    // the prefill graph is the int8 model's graph: loading that model finds it in the cache
    const events = new ModelEventEmitter();
    const fromCache: boolean[] = [];
    events.on('model:load', (e) => fromCache.push(e.fromCache));
    const int8 = await load(dir, { ...options, dtype: 'int8', int8Kernel: 'auto', events });
    const int4 = await load(dir, { ...options, dtype: 'int4' });
    expect(fromCache).toEqual([true]);

    const steps = 6;
    const cache = KvCache.empty(mixed.config, 1);
    let output = await runStep(int8.session, cache, [{ tokens: prompt, adapterSlot: 0 }], null);
    // the two precisions disagree on the prompt, so the composition is not the int4 model's own answer
    const int4Prefill = await runStep(int4.session, KvCache.empty(mixed.config, 1), [{ tokens: prompt, adapterSlot: 0 }], null);
    expect(maxAbsDiff(output.logits, int4Prefill.logits)).toBeGreaterThan(1e-3);
    const expected: number[] = [];
    for (let i = 0; i < steps; i++) {
      const next = argmax(output.logits);
      expected.push(next);
      output = await runStep(int4.session, cache, [{ tokens: [next], adapterSlot: 0 }], null);
    }

    const prefillRuns = vi.spyOn(mixed.prefillSession, 'run');
    const decodeRuns = vi.spyOn(mixed.session, 'run');
    const [result] = await mixed.generate({ tokens: prompt }, { temperature: 0, maxTokens: steps, ignoreEos: true }).result;
    expect(result!.tokens).toEqual(expected);
    expect(prefillRuns).toHaveBeenCalledTimes(1);
    expect(decodeRuns).toHaveBeenCalledTimes(steps - 1);
  });

  it('a prefillDtype equal to dtype is one session', async () => {
    const model = await load(dir, { cacheDir, dtype: 'int8', prefillDtype: 'int8', intraOpNumThreads: 1 });
    expect(model.prefillSession).toBe(model.session);
  });
});
