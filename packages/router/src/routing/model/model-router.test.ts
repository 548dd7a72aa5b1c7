import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReferenceModel, loadModel, openWeights } from '@plugboard/core';
import { TINY_SHAPES, writeFixtureModel } from '@plugboard/core/testing';
import type { Model } from '@plugboard/core';
import { DEFAULT_ROUTING_TEMPLATE, ModelRouter } from './model-router.ts';

const root = mkdtempSync(join(tmpdir(), 'plugboard-model-router-'));
let model: Model;
let reference: ReferenceModel;

beforeAll(async () => {
  const dir = writeFixtureModel(join(root, 'model'), { ...TINY_SHAPES, seed: 3 }).dir;
  model = await loadModel(dir, { logits: 'all', cacheDir: join(root, 'graphs') });
  const weights = openWeights(dir);
  reference = new ReferenceModel(model.config, weights);
  weights.close();
});
afterAll(async () => {
  await model.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** Mean label-token log-probability computed with the reference forward, row by row. */
function referenceScore(prompt: string, label: string): number {
  const promptIds = model.tokenizer.encode(prompt, { addSpecialTokens: true });
  const labelIds = model.tokenizer.encode(` ${label}`, { addSpecialTokens: false });
  const logits = reference.forward({ inputIds: [[...promptIds, ...labelIds]] }).logits[0]!;
  const v = model.config.vocabSize;
  let sum = 0;
  labelIds.forEach((token, j) => {
    const row = Array.from(logits.subarray((promptIds.length + j - 1) * v, (promptIds.length + j) * v));
    const max = Math.max(...row);
    sum += row[token]! - max - Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
  });
  return sum / labelIds.length;
}

describe('ModelRouter (zero-shot)', () => {
  it('scores each label by its mean token log-probability, as the reference forward computes it', async () => {
    const router = new ModelRouter(model);
    await router.fit([
      { name: 'weather', examples: [] },
      { name: 'billing_question', examples: [] },
      { name: 'code-help', examples: [] },
    ]);
    const text = 'will it rain tomorrow?';
    const logits = await router.logits(text);
    const prompt = DEFAULT_ROUTING_TEMPLATE.replace('{labels}', 'weather, billing question, code help').replace('{text}', text);
    ['weather', 'billing question', 'code help'].forEach((label, i) => expect(logits[i]).toBeCloseTo(referenceScore(prompt, label), 4));
    const decision = await router.route(text);
    expect(decision.strategy).toBe('model');
    expect(Object.values(decision.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(decision.route).toBe(['weather', 'billing_question', 'code-help'][logits.indexOf(Math.max(...logits))]);
  });

  it('refuses a model without all-token logits, and routing before fit', async () => {
    const lastOnly = await loadModel(join(root, 'model'), { cacheDir: join(root, 'graphs') });
    expect(() => new ModelRouter(lastOnly)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    await lastOnly.dispose();
    await expect(new ModelRouter(model).route('x')).rejects.toMatchObject({ code: 'ROUTER_NOT_FITTED' });
  });
});
