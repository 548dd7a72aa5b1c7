import type { CandidateList } from './candidate-list.ts';

/**
 * Draws one token id from softmax(scores) over the candidates, in float64,
 * using one uniform number in [0, 1). Overwrites the scores with the
 * unnormalized weights (the list is spent after this).
 */
export function drawFromSoftmax(candidates: CandidateList, uniform: number): number {
  const { ids, scores, length } = candidates;
  const top = candidates.maxScore();
  let total = 0;
  for (let i = 0; i < length; i += 1) {
    scores[i] = Math.exp(scores[i] - top);
    total += scores[i];
  }
  let remaining = uniform * total;
  let lastPositive = ids[0];
  for (let i = 0; i < length; i += 1) {
    if (scores[i] === 0) continue;
    lastPositive = ids[i];
    remaining -= scores[i];
    if (remaining < 0) return ids[i];
  }
  // Rounding can leave a sliver of `remaining`; it belongs to the last real candidate.
  return lastPositive;
}
