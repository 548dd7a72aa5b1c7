/** The global L2 norm over all gradients (float64 accumulation). */
export function globalNorm(grads: Iterable<Float32Array>): number {
  let sum = 0;
  for (const grad of grads) for (const g of grad) sum += g * g;
  return Math.sqrt(sum);
}

/** Scales every gradient in place so the global norm is at most maxNorm; returns the norm before clipping. */
export function clipByGlobalNorm(grads: readonly Float32Array[], maxNorm: number): number {
  const norm = globalNorm(grads);
  if (norm > maxNorm && norm > 0) {
    const scale = maxNorm / norm;
    for (const grad of grads) for (let i = 0; i < grad.length; i++) grad[i] = (grad[i] as number) * scale;
  }
  return norm;
}
