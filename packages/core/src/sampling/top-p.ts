import type { CandidateList } from './candidate-list.ts';

/**
 * Nucleus filter: keeps the shortest highest-first run of candidates whose
 * probability mass is ≥ `topP` — a token stays iff the mass of the tokens
 * ranked above it is still < topP, exactly HF's TopPLogitsWarper. Ranking is
 * by score, equal scores by lower id (candidates list equal scores in
 * ascending id order, so the list order settles ties).
 *
 * Only a copy of the scores is sorted, natively (no comparator), to find the
 * cut-off score; the list is then filtered in place.
 *
 * `normalizer` is Σ exp(score − topScore) over the distribution the mass is
 * measured against; leave it out to measure against the candidates themselves
 * (as after top-k, where the other tokens are already gone).
 */
export function applyTopP(candidates: CandidateList, topP: number, normalizer?: number): void {
  const sorted = candidates.scores.slice(0, candidates.length).sort();
  const last = sorted.length - 1;
  if (last < 0) return;
  const top = sorted[last];
  const total = normalizer ?? sumOfExp(sorted, top);
  let mass = 0;
  for (let rank = 0; rank <= last; rank += 1) {
    mass += Math.exp(sorted[last - rank] - top) / total;
    if (mass >= topP) {
      keepHighest(candidates, rank + 1, sorted[last - rank]);
      return;
    }
  }
  // Rounding left the sum a hair short of topP: every candidate is needed.
}

/** Keeps `count` candidates: all scoring above `cutoff`, then the first ones (in list order) scoring exactly `cutoff`. */
function keepHighest(candidates: CandidateList, count: number, cutoff: number): void {
  const { ids, scores } = candidates;
  let above = 0;
  for (let i = 0; i < candidates.length; i += 1) if (scores[i] > cutoff) above += 1;
  let tiedSlots = count - above;
  let kept = 0;
  for (let i = 0; i < candidates.length; i += 1) {
    const score = scores[i];
    const takesTiedSlot = score === cutoff && tiedSlots > 0;
    if (takesTiedSlot) tiedSlots -= 1;
    if (score > cutoff || takesTiedSlot) {
      ids[kept] = ids[i];
      scores[kept] = score;
      kept += 1;
    }
  }
  candidates.length = kept;
}

function sumOfExp(scores: Float64Array, top: number): number {
  let total = 0;
  for (const score of scores) total += Math.exp(score - top);
  return total;
}
