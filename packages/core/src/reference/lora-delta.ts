import { vectorTimesMatrix } from './linear.ts';

/** One module's stacked LoRA slot tensors: A [N, in, rank], B [N, rank, out] (B pre-scaled). */
export interface LoraSlotPair {
  a: Float32Array;
  b: Float32Array;
  inFeatures: number;
  outFeatures: number;
  rank: number;
}

/**
 * y[t] += mask[t] * (x[t] A[slot]) B[slot] for each of `rows` tokens, in place.
 * Tokens with mask 0 are left exactly as the base projection made them.
 */
export function addLoraDelta(
  y: Float32Array,
  x: Float32Array,
  rows: number,
  pair: LoraSlotPair,
  slot: number,
  mask: ArrayLike<number>,
): void {
  const { inFeatures, outFeatures, rank } = pair;
  const aOffset = slot * inFeatures * rank;
  const bOffset = slot * rank * outFeatures;
  for (let t = 0; t < rows; t++) {
    const weight = mask[t];
    if (weight === 0) continue;
    const down = vectorTimesMatrix(x, t * inFeatures, inFeatures, pair.a, aOffset, rank);
    const delta = vectorTimesMatrix(down, 0, rank, pair.b, bOffset, outFeatures);
    const yOffset = t * outFeatures;
    for (let o = 0; o < outFeatures; o++) y[yOffset + o] += weight * delta[o];
  }
}
