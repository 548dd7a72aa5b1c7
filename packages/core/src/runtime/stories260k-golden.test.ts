/**
 * The golden check on real weights: llama2.c's stories260K (Karpathy, MIT;
 * see fixtures/stories260K/SOURCE.md) as a Hugging Face folder. Greedy
 * decoding from BOS must reproduce the text llama2.c publishes for it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/test-helpers.ts';
import { openWeights } from '../hf/safetensors-weights.ts';
import { ReferenceModel } from '../reference/reference-model.ts';
import { compareWithReference } from './compare-with-reference.ts';
import type { Model } from './load-model.ts';
import { loadModel } from './load-model.ts';

const STORIES260K_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'stories260K');

/** The indented block of SOURCE.md: llama2.c's published greedy output from BOS. */
function publishedText(): string {
  const lines = readFileSync(join(STORIES260K_DIR, 'SOURCE.md'), 'utf8').split('\n');
  return lines
    .filter((line) => line.startsWith('    '))
    .map((line) => line.slice(4))
    .join('\n');
}

const tmp = useTempDir('stories260k');
const cacheDir = join(tmp, 'graphs');
const greedy = { temperature: 0, ignoreEos: true } as const;
let model: Model;
let expectedTokens: number[];
const published = publishedText();

beforeAll(async () => {
  model = await loadModel(STORIES260K_DIR, { cacheDir });
  const [bos, ...rest] = model.tokenizer.encode(published, { addSpecialTokens: true });
  expect(bos).toBe(1);
  expectedTokens = rest;
});
afterAll(() => model.dispose());

describe('stories260K (real pretrained weights) golden check', () => {
  it('SOURCE.md holds the published text and the MIT attribution', () => {
    expect(published.startsWith('Once upon a time, there was a little girl named Lily.')).toBe(true);
    expect(published.endsWith("didn't know what to do.")).toBe(true);
    expect(readFileSync(join(STORIES260K_DIR, 'SOURCE.md'), 'utf8')).toContain('MIT');
  });

  it('fp32 greedy decoding from BOS reproduces llama2.c\'s published text token for token', async () => {
    const result = await model.complete({ tokens: [1] }, { ...greedy, maxTokens: expectedTokens.length });
    expect(result.tokens).toEqual(expectedTokens);
    expect(result.text).toBe(published);
  });

  it('the graph equals the reference forward on the real weights (≤ 1e-4 over prefill and decode)', async () => {
    const weights = openWeights(STORIES260K_DIR);
    const reference = new ReferenceModel(model.config, weights);
    weights.close();
    const logitsModel = await loadModel(STORIES260K_DIR, { cacheDir, logits: 'all' });
    const diff = await compareWithReference(logitsModel, reference, { prompts: [[1, ...expectedTokens.slice(0, 30)]], steps: 5 });
    await logitsModel.dispose();
    expect(diff).toBeLessThan(1e-4);
  });

  it.each(['int8', 'int4'] as const)('%s stays coherent: same start as fp32, diverging later, and decodes', async (dtype) => {
    const quantized = await loadModel(STORIES260K_DIR, { cacheDir, dtype });
    const result = await quantized.complete({ tokens: [1] }, { ...greedy, maxTokens: expectedTokens.length });
    await quantized.dispose();
    const diverges = result.tokens.findIndex((token, i) => token !== expectedTokens[i]);
    console.info(`stories260K ${dtype}: first divergence from fp32 at token ${diverges === -1 ? 'none' : diverges} of ${expectedTokens.length}`);
    expect(diverges === -1 || diverges >= 10).toBe(true);
    expect(result.text.startsWith('Once upon a time')).toBe(true);
    expect(model.tokenizer.decode(result.tokens).length).toBeGreaterThan(100);
  });

  it('the tokenizer round-trips (SentencePiece-style BPE with byte fallback)', () => {
    const { tokenizer } = model;
    for (const text of [published, 'Tom and Sue ran to the big tree.', 'The cat said "hi!" 3 times', 'naïve café 🙂']) {
      const ids = tokenizer.encode(text, { addSpecialTokens: false });
      expect(tokenizer.decode(ids)).toBe(text);
    }
    expect(tokenizer.bosTokenId).toBe(1);
    expect(tokenizer.eosTokenIds).toEqual([2]);
  });

  it('batched generation (rows of different lengths) equals each row generated alone', async () => {
    const prompts = [[1], [1, ...expectedTokens.slice(0, 7)], [1, ...model.tokenizer.encode('Tom had a red', { addSpecialTokens: false })]];
    const batch = await model.generateBatch(prompts.map((tokens) => ({ prompt: { tokens } })), { ...greedy, maxTokens: 24 }).result;
    for (const [b, tokens] of prompts.entries()) {
      const alone = await model.complete({ tokens }, { ...greedy, maxTokens: 24 });
      expect(batch[b]?.tokens).toEqual(alone.tokens);
    }
  });
});
