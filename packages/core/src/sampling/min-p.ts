import type { CandidateList } from './candidate-list.ts';

/**
 * Min-p filter: drops candidates whose probability is < minP · (highest
 * probability). The ratio of two softmax probabilities is exp of their score
 * difference, so this is a threshold on scores and needs no normalization.
 */
export function applyMinP(candidates: CandidateList, minP: number): void {
  candidates.keepAtLeast(candidates.maxScore() + Math.log(minP));
}
