/**
 * Index of the largest logit in one pass; ties go to the lowest index and NaN
 * never wins. Returns 0 when every logit is −Infinity or NaN.
 */
export function argmax(logits: Float32Array): number {
  let best = -Infinity;
  let bestId = 0;
  for (let id = 0; id < logits.length; id += 1) {
    if (logits[id] > best) {
      best = logits[id];
      bestId = id;
    }
  }
  return bestId;
}
