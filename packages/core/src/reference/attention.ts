export interface AttentionShape {
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  /** keys a query may see, itself included; null = all earlier keys */
  slidingWindow: number | null;
}

/**
 * Causal grouped-query attention for the newest `queryCount` tokens of one
 * sequence. `queries` is [queryCount, numHeads*headDim]; `keys`/`values`
 * are [pastLength + queryCount, numKvHeads*headDim] (cache first, then the
 * new tokens, keys already rotated). Query t sits at sequence index
 * pastLength + t and sees key indices in (index - window, index].
 * Query head h reads kv head floor(h / (numHeads / numKvHeads)).
 * Scores and softmax run in float64.
 */
export function causalAttention(
  queries: Float32Array,
  queryCount: number,
  keys: Float32Array,
  values: Float32Array,
  pastLength: number,
  shape: AttentionShape,
): Float32Array {
  const { numHeads, numKvHeads, headDim, slidingWindow } = shape;
  const groupSize = numHeads / numKvHeads;
  const qWidth = numHeads * headDim;
  const kvWidth = numKvHeads * headDim;
  const scale = 1 / Math.sqrt(headDim);
  const out = new Float32Array(queryCount * qWidth);
  const scores = new Float64Array(pastLength + queryCount);
  const accumulator = new Float64Array(headDim);
  for (let t = 0; t < queryCount; t++) {
    const index = pastLength + t;
    const first = slidingWindow === null ? 0 : Math.max(0, index - slidingWindow + 1);
    for (let h = 0; h < numHeads; h++) {
      const qOffset = t * qWidth + h * headDim;
      const kvHeadOffset = Math.floor(h / groupSize) * headDim;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = first; j <= index; j++) {
        const kOffset = j * kvWidth + kvHeadOffset;
        let dot = 0;
        for (let i = 0; i < headDim; i++) dot += queries[qOffset + i] * keys[kOffset + i];
        scores[j] = dot * scale;
        if (scores[j] > max) max = scores[j];
      }
      let total = 0;
      for (let j = first; j <= index; j++) {
        scores[j] = Math.exp(scores[j] - max);
        total += scores[j];
      }
      accumulator.fill(0);
      for (let j = first; j <= index; j++) {
        const weight = scores[j] / total;
        const vOffset = j * kvWidth + kvHeadOffset;
        for (let i = 0; i < headDim; i++) accumulator[i] += weight * values[vOffset + i];
      }
      out.set(accumulator, qOffset);
    }
  }
  return out;
}
