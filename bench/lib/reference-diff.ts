import { ReferenceModel, compareWithReference, loadModel, openWeights } from '@plugboard/core';
import { TINY_SHAPES, ensureFixtureModel } from '@plugboard/core/testing';

/** Largest |graph − reference| logit over a 2-row batch, prefill and 3 decode steps, on the tiny fixture. */
export async function referenceMaxAbsDiff(dir: string): Promise<number> {
  ensureFixtureModel(dir, { ...TINY_SHAPES, architecture: 'qwen2', seed: 3 });
  const model = await loadModel(dir, { logits: 'all' });
  const weights = openWeights(dir);
  const reference = new ReferenceModel(model.config, weights);
  weights.close();
  const prompts = [Array.from({ length: 12 }, (_, i) => (i * 37) % 500), Array.from({ length: 7 }, (_, i) => (i * 11 + 3) % 500)];
  const diff = await compareWithReference(model, reference, { prompts, steps: 3 });
  await model.dispose();
  return diff;
}
