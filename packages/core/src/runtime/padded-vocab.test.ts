import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import { useTempDir } from '../testing/test-helpers.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import type { Model } from './load-model.ts';
import { loadModel } from './load-model.ts';

// like Qwen2.5/Qwen3: the model's vocab_size pads past the tokenizer's ids
const tmp = useTempDir('padded-vocab');
let model: Model;

beforeAll(async () => {
  const dir = writeFixtureModel(join(tmp, 'model'), { ...TINY_SHAPES, vocabSize: 640, tokenizerVocabSize: 512, seed: 3 }).dir;
  model = await loadModel(dir, { cacheDir: join(tmp, 'graphs'), contextLength: 256 });
});
afterAll(() => model.dispose());

describe('a model whose vocab is larger than its tokenizer', () => {
  it('has 640 logits per step but a 512-token tokenizer', () => {
    expect(model.config.vocabSize).toBe(640);
    expect(model.tokenizer.vocabSize).toBe(512);
  });

  it('samples only ids the tokenizer can decode (temperature 1, 200 tokens)', async () => {
    // a fifth of the random model's logits are padding: unguarded, 200 draws pick one almost surely
    const [result] = await model.generate('hello', { temperature: 1, seed: 11, maxTokens: 200, ignoreEos: true }).result;
    expect(result!.tokens).toHaveLength(200);
    expect(Math.max(...result!.tokens)).toBeLessThan(512);
    expect(result!.text).toBe(model.tokenizer.decode(result!.tokens));
  });
});
