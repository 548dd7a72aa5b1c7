import type { ReferenceKvCache } from '../reference/kv-cache.ts';
import { maxAbsDiff } from '../reference/max-abs-diff.ts';
import type { ReferenceAdapters } from '../reference/reference-adapters.ts';
import type { ReferenceModel } from '../reference/reference-model.ts';
import { KvCache } from './kv-cache.ts';
import type { Model } from './load-model.ts';
import { runStep } from './step.ts';

export interface ReferenceComparison {
  /** prompt per row */
  prompts: number[][];
  /** adapter slot per row */
  slots?: number[];
  /** adapter mask per row per prompt token */
  masks?: number[][];
  /** decode steps after the prompt, each feeding one fixed token per row */
  steps?: number;
  /** slot tensors the model's slots hold, for the reference */
  adapters?: Omit<ReferenceAdapters, 'adapterIndex' | 'adapterMask'>;
}

/**
 * Runs prompts and decode steps through the ONNX graph (built with
 * `logits: 'all'`) and the plain-TS reference forward; returns the largest
 * absolute logit difference over every real token of every step.
 */
export async function compareWithReference(model: Pick<Model, 'config' | 'session' | 'slotFeeds'>, reference: ReferenceModel, c: ReferenceComparison): Promise<number> {
  const cache = KvCache.empty(model.config, c.prompts.length);
  let refCache: ReferenceKvCache | undefined;
  let worst = 0;
  let inputs = c.prompts;
  const slots = c.slots ?? c.prompts.map(() => 0);
  for (let step = 0; step <= (c.steps ?? 3); step++) {
    const masks = step === 0 ? c.masks : undefined;
    const out = await runStep(
      model.session,
      cache,
      inputs.map((tokens, b) => ({ tokens, adapterSlot: slots[b], adapterMask: masks?.[b] })),
      model.slotFeeds(),
    );
    const ref = reference.forward({
      inputIds: inputs,
      cache: refCache,
      adapters: c.adapters && { ...c.adapters, adapterIndex: slots, adapterMask: masks ?? inputs.map((t) => t.map(() => 1)) },
    });
    refCache = ref.cache;
    inputs.forEach((tokens, b) => {
      const start = b * out.tokensPerRow * out.vocabSize;
      const graphRow = out.logits.subarray(start, start + tokens.length * out.vocabSize);
      worst = Math.max(worst, maxAbsDiff(graphRow, ref.logits[b] as Float32Array));
    });
    inputs = inputs.map((_, b) => [(17 * (step + 1) + 5 * b) % model.config.vocabSize]);
  }
  return worst;
}
