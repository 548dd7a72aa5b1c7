import type { CandidateFilters } from './select-candidates.ts';

/**
 * Slow, obviously-correct oracle for the tests: sorts the whole row and applies
 * temperature → top-k → top-p → min-p exactly as written in HF transformers,
 * returning each surviving token's final probability.
 */
export function referenceDistribution(logits: Float32Array, filters: CandidateFilters): Map<number, number> {
  let ranked = Array.from(logits, (logit, id) => ({ id, score: logit / filters.temperature })).sort(
    (a, b) => b.score - a.score || a.id - b.id,
  );
  if (filters.topK > 0) ranked = ranked.slice(0, filters.topK);
  if (filters.topP < 1) {
    const probabilities = softmax(ranked.map((r) => r.score));
    let massAbove = 0;
    ranked = ranked.filter((_, i) => {
      const keep = massAbove < filters.topP;
      massAbove += probabilities[i];
      return keep;
    });
  }
  if (filters.minP > 0) {
    const probabilities = softmax(ranked.map((r) => r.score));
    const cutoff = filters.minP * largest(probabilities);
    ranked = ranked.filter((_, i) => probabilities[i] >= cutoff);
  }
  const probabilities = softmax(ranked.map((r) => r.score));
  return new Map(ranked.map((r, i) => [r.id, probabilities[i]]));
}

function softmax(scores: readonly number[]): number[] {
  const top = largest(scores);
  const weights = scores.map((s) => Math.exp(s - top));
  const total = weights.reduce((sum, w) => sum + w, 0);
  return weights.map((w) => w / total);
}

/** Math.max(...values) overflows the call stack on a full vocabulary row. */
function largest(values: readonly number[]): number {
  return values.reduce((max, v) => (v > max ? v : max), -Infinity);
}
