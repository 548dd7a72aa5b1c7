import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPlugboardError } from '../errors/plugboard-error.ts';
import type { ErrorCode } from '../errors/plugboard-error.ts';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import { useTempDir } from '../testing/test-helpers.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import { openWeights } from '../hf/safetensors-weights.ts';
import type { AdapterSlotLayout } from '../model/adapter-slots.ts';
import { randomSlotTensors } from '../reference/random-model.ts';
import { ReferenceModel } from '../reference/reference-model.ts';
import type { ReferenceAdapters } from '../reference/reference-adapters.ts';
import type { Model } from './load-model.ts';
import { loadModel } from './load-model.ts';

const tmp = useTempDir('logprobs');
const layout: AdapterSlotLayout = { slots: 2, lora: { rank: 4, modules: ['q', 'v', 'down'] } };
let model: Model;
let reference: ReferenceModel;
let slotTensors: ReferenceAdapters['tensors'];
const tokens = Array.from({ length: 11 }, (_, i) => (i * 37 + 5) % 500);

beforeAll(async () => {
  const dir = writeFixtureModel(join(tmp, 'model'), { ...TINY_SHAPES, seed: 4 }).dir;
  // chunks of 4 tokens: 10 scored positions take three runs that continue the KV cache
  model = await loadModel(dir, { cacheDir: join(tmp, 'graphs'), adapters: layout, prefillChunkTokens: 4, contextLength: 64 });
  slotTensors = randomSlotTensors(model.config, layout, 3, 0.2);
  for (const [name, tensor] of slotTensors) model.slots.get(name)!.data.set(tensor.data);
  const weights = openWeights(dir);
  reference = new ReferenceModel(model.config, weights);
  weights.close();
});
afterAll(() => model.dispose());

/** Per position t ≥ 1: the reference's log-softmax row predicting tokens[t]. */
function referenceLogprobs(slot: number): Float64Array[] {
  const adapters = { layout, tensors: slotTensors, adapterIndex: [slot], adapterMask: [tokens.map(() => 1)] };
  const logits = reference.forward({ inputIds: [tokens], adapters }).logits[0]!;
  const V = model.config.vocabSize;
  return tokens.slice(1).map((_, t) => {
    const row = logits.subarray(t * V, (t + 1) * V);
    const max = Math.max(...row);
    const logSum = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    return Float64Array.from(row, (v) => v - logSum);
  });
}

describe('model.logprobs', () => {
  it.each([0, 1])('equals the reference forward\'s log-softmax for every token after the first (slot %i, ≤ 1e-4), with top-k', async (slot) => {
    const result = await model.logprobs({ tokens }, { topK: 5, adapterSlot: slot });
    const expected = referenceLogprobs(slot);
    expect(result.scored.map((s) => s.position)).toEqual(tokens.slice(1).map((_, i) => i + 1));
    result.scored.forEach((s, i) => {
      const row = expected[i]!;
      expect(s.token).toBe(tokens[i + 1]);
      expect(Math.abs(s.logprob - row[s.token]!)).toBeLessThan(1e-4);
      const ranked = [...row.keys()].sort((a, b) => row[b]! - row[a]!).slice(0, 5);
      expect(s.top.map((t) => t.token)).toEqual(ranked);
      s.top.forEach((t) => expect(Math.abs(t.logprob - row[t.token]!)).toBeLessThan(1e-4));
    });
    expect(result.total).toBeCloseTo(result.scored.reduce((a, s) => a + s.logprob, 0), 9);
    expect(result.perplexity).toBeCloseTo(Math.exp(-result.total / 10), 6);
  });

  it('the adapter slot changes the scores (the slot comparison is not vacuous)', async () => {
    const [base, adapted] = [await model.logprobs({ tokens }), await model.logprobs({ tokens }, { adapterSlot: 1 })];
    expect(Math.max(...base.scored.map((s, i) => Math.abs(s.logprob - adapted.scored[i]!.logprob)))).toBeGreaterThan(1e-3);
  });

  it('a model loaded with all-token logits scores with its own session, the same numbers', async () => {
    const own = await loadModel(model.dir, { cacheDir: join(tmp, 'graphs'), logits: 'all', contextLength: 64 });
    const [a, b] = [await own.logprobs({ tokens }, { topK: 2 }), await model.logprobs({ tokens }, { topK: 2 })];
    await own.dispose();
    a.scored.forEach((s, i) => expect(Math.abs(s.logprob - b.scored[i]!.logprob)).toBeLessThan(1e-5));
  });

  it('scores text through the tokenizer', async () => {
    const result = await model.logprobs('hello world, the weather');
    expect(result.tokens).toEqual(model.encodePrompt('hello world, the weather'));
    expect(result.scored.every((s) => s.logprob <= 0 && Number.isFinite(s.logprob))).toBe(true);
  });

  it('refuses too few tokens, bad options and too long a prompt', async () => {
    const expectCode = async (promise: Promise<unknown>, code: ErrorCode, fragment: string) => {
      const error = await promise.then(() => null, (e: unknown) => e);
      expect(isPlugboardError(error, code), String(error)).toBe(true);
      expect((error as Error).message).toContain(fragment);
    };
    await expectCode(model.logprobs({ tokens: [5] }), 'INVALID_ARGUMENT', 'at least 2 tokens');
    await expectCode(model.logprobs({ tokens }, { topK: -1 }), 'INVALID_ARGUMENT', 'topK');
    await expectCode(model.logprobs({ tokens }, { topK: 100_000 }), 'INVALID_ARGUMENT', 'vocabulary');
    await expectCode(model.logprobs({ tokens }, { adapterSlot: 7 }), 'INVALID_ARGUMENT', 'slot');
    await expectCode(model.logprobs({ tokens: Array.from({ length: 65 }, () => 3) }), 'PROMPT_TOO_LONG', 'contextLength');
  });
});
