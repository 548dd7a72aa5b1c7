/**
 * The tokens still in the running for one decode step: ids with their
 * temperature-scaled logits in float64. A sampler owns one list and reuses its
 * buffers every step, so a step allocates little once the buffers have grown.
 *
 * Invariant the tie-breaks rely on: entries with equal scores appear in
 * ascending id order (producers emit ids in ascending order; filters keep the order).
 */
export class CandidateList {
  ids: Int32Array;
  scores: Float64Array;
  length = 0;

  constructor(capacity = 64) {
    this.ids = new Int32Array(capacity);
    this.scores = new Float64Array(capacity);
  }

  clear(): void {
    this.length = 0;
  }

  /** Appends one candidate, doubling the buffers when full. */
  push(id: number, score: number): void {
    if (this.length === this.ids.length) this.grow(Math.max(64, this.length * 2));
    this.ids[this.length] = id;
    this.scores[this.length] = score;
    this.length += 1;
  }

  private grow(capacity: number): void {
    const ids = new Int32Array(capacity);
    const scores = new Float64Array(capacity);
    ids.set(this.ids.subarray(0, this.length));
    scores.set(this.scores.subarray(0, this.length));
    this.ids = ids;
    this.scores = scores;
  }

  /** Highest score of the list (−Infinity when empty). */
  maxScore(): number {
    let max = -Infinity;
    for (let i = 0; i < this.length; i += 1) if (this.scores[i] > max) max = this.scores[i];
    return max;
  }

  /** Keeps only the entries whose score is ≥ `threshold`, preserving order. */
  keepAtLeast(threshold: number): void {
    let kept = 0;
    for (let i = 0; i < this.length; i += 1) {
      if (this.scores[i] >= threshold) {
        this.ids[kept] = this.ids[i];
        this.scores[kept] = this.scores[i];
        kept += 1;
      }
    }
    this.length = kept;
  }
}
