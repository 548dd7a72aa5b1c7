import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPlugboardError } from '../errors/plugboard-error.ts';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import { useTempDir } from '../testing/test-helpers.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import { openWeights } from '../hf/safetensors-weights.ts';
import { ReferenceModel } from '../reference/reference-model.ts';
import type { Model } from './load-model.ts';
import { loadModel } from './load-model.ts';

const tmp = useTempDir('generate');
let model: Model;
let reference: ReferenceModel;

beforeAll(async () => {
  const dir = writeFixtureModel(join(tmp, 'model'), { ...TINY_SHAPES, seed: 5 }).dir;
  model = await loadModel(dir, { cacheDir: join(tmp, 'graphs'), contextLength: 64 });
  const weights = openWeights(dir);
  reference = new ReferenceModel(model.config, weights);
  weights.close();
});
afterAll(() => model.dispose());

/** Greedy continuation computed by the reference forward alone. */
function referenceGreedy(prompt: number[], count: number): number[] {
  const out: number[] = [];
  let step = reference.forward({ inputIds: [prompt] });
  for (let i = 0; i < count; i++) {
    const logits = step.logits[0]!;
    const last = logits.subarray(logits.length - model.config.vocabSize);
    let best = 0;
    for (let v = 1; v < last.length; v++) if (last[v]! > last[best]!) best = v;
    out.push(best);
    step = reference.forward({ inputIds: [[best]], cache: step.cache });
  }
  return out;
}

const prompt = (n: number, seed: number) => Array.from({ length: n }, (_, i) => (seed * 13 + i * 29) % 500);

describe('generate', () => {
  it('greedy decoding equals greedy decoding over the reference forward', async () => {
    const tokens = prompt(10, 1);
    const [result] = await model.generate({ tokens }, { temperature: 0, maxTokens: 12, ignoreEos: true }).result;
    expect(result!.tokens).toEqual(referenceGreedy(tokens, 12));
    expect(result!.finishReason).toBe('length');
    expect(result!.timings.generatedTokens).toBe(12);
  });

  it('streams every token, and the streamed text adds up to the final text', async () => {
    const stream = model.generate('hello there', { temperature: 0.8, seed: 4, maxTokens: 16, ignoreEos: true });
    const streamed: number[] = [];
    let text = '';
    for await (const token of stream) {
      streamed.push(token.tokenId);
      text += token.text;
    }
    const [result] = await stream.result;
    expect(streamed).toEqual(result!.tokens);
    expect(text).toBe(result!.text);
  });

  it('a batch of prompts of different lengths gives each row what it gets alone', async () => {
    const prompts = [prompt(11, 2), prompt(3, 3), prompt(7, 4)];
    const batch = await model.generateBatch(prompts.map((tokens) => ({ prompt: { tokens } })), { temperature: 0, maxTokens: 8, ignoreEos: true }).result;
    for (const [i, tokens] of prompts.entries()) {
      expect(batch[i]!.tokens).toEqual(referenceGreedy(tokens, 8));
    }
  });

  it('same seed, same tokens; another seed, other tokens', async () => {
    const run = async (seed: number) => (await model.complete('abc', { temperature: 1, seed, maxTokens: 20, ignoreEos: true })).tokens;
    expect(await run(7)).toEqual(await run(7));
    expect(await run(7)).not.toEqual(await run(8));
  });

  it('stops at a stop string, which is not part of the text', async () => {
    const free = await model.complete('xyz', { temperature: 0, maxTokens: 20, ignoreEos: true });
    const stop = free.text.slice(4, 6);
    const stopped = await model.complete('xyz', { temperature: 0, maxTokens: 20, ignoreEos: true, stopStrings: [stop] });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.stoppedBy).toBe(stop);
    expect(free.text.startsWith(stopped.text)).toBe(true);
    expect(stopped.text.includes(stop)).toBe(false);
  });

  it('stops at a stop token', async () => {
    const free = await model.complete('xyz', { temperature: 0, maxTokens: 10, ignoreEos: true });
    const stopToken = free.tokens[3]!;
    const stopped = await model.complete('xyz', { temperature: 0, maxTokens: 10, stopTokenIds: [stopToken] });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.stoppedBy).toBe(stopToken);
    expect(stopped.tokens.at(-1)).toBe(stopToken);
  });

  it('stops at the context length', async () => {
    const result = await model.complete({ tokens: prompt(60, 5) }, { temperature: 0, maxTokens: 100, ignoreEos: true });
    expect(result.finishReason).toBe('length');
    expect(result.tokens.length).toBe(4);
  });

  it('refuses a prompt longer than the context with PROMPT_TOO_LONG', async () => {
    const error = await model.complete({ tokens: prompt(64, 6) }).catch((e: unknown) => e);
    expect(isPlugboardError(error, 'PROMPT_TOO_LONG')).toBe(true);
  });

  it('an aborted generation stops with ABORTED, and the model keeps working', async () => {
    const controller = new AbortController();
    const stream = model.generate('abort me', { temperature: 0, maxTokens: 50, ignoreEos: true, signal: controller.signal });
    const seen: number[] = [];
    const error = await (async () => {
      for await (const token of stream) {
        seen.push(token.tokenId);
        if (seen.length === 3) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(isPlugboardError(error, 'ABORTED')).toBe(true);
    expect(seen.length).toBe(3);
    await expect(stream.result).rejects.toMatchObject({ code: 'ABORTED' });
    expect((await model.complete('still fine', { temperature: 0, maxTokens: 3, ignoreEos: true })).tokens).toHaveLength(3);
  });

  it('an already aborted signal never runs the model', async () => {
    const error = await model.complete('x', { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(isPlugboardError(error, 'ABORTED')).toBe(true);
  });

  it('refuses bad sampling options and unknown adapter slots with INVALID_ARGUMENT', async () => {
    const bad = await model.complete('x', { temperature: -1 }).catch((e: unknown) => e);
    expect(isPlugboardError(bad, 'INVALID_ARGUMENT')).toBe(true);
    expect(() => model.generate('x', { adapterSlot: 1 })).toThrow(/slot 1 does not exist/);
  });

  it('emits generate:start, a generate:token per token and generate:end', async () => {
    const seen: string[] = [];
    const onStart = () => seen.push('start');
    const onToken = () => seen.push('token');
    const onEnd = () => seen.push('end');
    model.events.on('generate:start', onStart).on('generate:token', onToken).on('generate:end', onEnd);
    await model.complete('events', { temperature: 0, maxTokens: 4, ignoreEos: true });
    model.events.off('generate:start', onStart).off('generate:token', onToken).off('generate:end', onEnd);
    expect(seen).toEqual(['start', 'token', 'token', 'token', 'token', 'end']);
  });

  it('renders chat messages with the chat template', async () => {
    const ids = model.encodePrompt({ messages: [{ role: 'user', content: 'hi' }] });
    const text = model.tokenizer.decode(ids);
    expect(text).toContain('<|im_start|>user\nhi<|im_end|>');
    expect(text.endsWith('<|im_start|>assistant\n')).toBe(true);
  });
});

describe('embed', () => {
  it('mean-pools the reference hidden states, batched rows equal single rows, and needs hiddenStates', async () => {
    const dir = writeFixtureModel(join(tmp, 'embed'), { ...TINY_SHAPES, seed: 6 }).dir;
    const embedder = await loadModel(dir, { cacheDir: join(tmp, 'graphs'), hiddenStates: true });
    const texts = ['the quick brown fox', 'hi', 'a somewhat longer sentence to embed'];
    const batch = await embedder.embed(texts);
    const weights = openWeights(dir);
    const ref = new ReferenceModel(embedder.config, weights);
    weights.close();
    for (const [i, text] of texts.entries()) {
      const ids = embedder.tokenizer.encode(text, { addSpecialTokens: true });
      const hidden = ref.forward({ inputIds: [ids] }).hiddenStates[0]!;
      const d = embedder.config.hiddenSize;
      const mean = Array.from({ length: d }, (_, j) => ids.reduce((s, _, t) => s + hidden[t * d + j]!, 0) / ids.length);
      const norm = Math.hypot(...mean);
      for (let j = 0; j < d; j++) expect(batch[i]![j]).toBeCloseTo(mean[j]! / norm, 4);
      expect(Array.from((await embedder.embed([text]))[0]!)).toEqual(Array.from(batch[i]!).map((v) => expect.closeTo(v, 5)));
    }
    await embedder.dispose();
    await expect(model.embed(['x'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
