import { argmax } from './argmax.ts';
import type { CandidateList } from './candidate-list.ts';
import { applyMinP } from './min-p.ts';
import { nucleusBound } from './nucleus-bound.ts';
import type { SamplingOptions } from './sampling-options.ts';
import { selectTopK } from './top-k.ts';
import { applyTopP } from './top-p.ts';

export type CandidateFilters = Pick<SamplingOptions, 'temperature' | 'topK' | 'topP' | 'minP'>;

/**
 * Fills `out` with the tokens that survive temperature → top-k → top-p →
 * min-p (HF order), scored logit/temperature. `temperature` must be > 0.
 *
 * The full vocabulary is never sorted: top-k uses a heap, and without top-k a
 * score threshold first narrows the row to a superset of the survivors (see
 * `nucleusBound`), so top-p only has to rank that small set.
 */
export function selectCandidates(logits: Float32Array, filters: CandidateFilters, out: CandidateList): void {
  const { temperature, topK, topP, minP } = filters;
  let normalizer: number | undefined;
  if (topK > 0 && topK < logits.length) {
    selectTopK(logits, topK, temperature, out);
  } else {
    normalizer = collectPlausible(logits, filters, out);
  }
  if (topP < 1) applyTopP(out, topP, normalizer);
  if (minP > 0) applyMinP(out, minP);
}

/**
 * Collects every token that top-p and min-p could keep and returns the
 * softmax normalizer Σ exp((logit − max)/T) over the whole row when top-p
 * needs it (top-p mass is measured against the whole row when top-k is off).
 */
function collectPlausible(logits: Float32Array, filters: CandidateFilters, out: CandidateList): number | undefined {
  const { temperature, topP, minP } = filters;
  const maxLogit = logits[argmax(logits)];
  // Threshold on (logit − max)/T; −Infinity keeps the whole row.
  let threshold = -Infinity;
  let normalizer: number | undefined;
  if (topP < 1 && Number.isFinite(maxLogit)) {
    const bound = nucleusBound(logits, maxLogit, temperature, topP);
    normalizer = bound.normalizer;
    threshold = bound.threshold;
  }
  if (minP > 0) threshold = Math.max(threshold, Math.log(minP));
  const minLogit = maxLogit + threshold * temperature;
  out.clear();
  for (let id = 0; id < logits.length; id += 1) {
    if (logits[id] >= minLogit) out.push(id, logits[id] / temperature);
  }
  return normalizer;
}
