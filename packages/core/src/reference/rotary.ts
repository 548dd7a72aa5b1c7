/**
 * Rotary position embedding, Hugging Face "rotate_half" (non-interleaved)
 * convention. `x` holds `positions.length` tokens of `numHeads` heads of
 * `headDim` values; each head splits into halves x1, x2 and becomes
 * [x1 cos - x2 sin, x2 cos + x1 sin] with angle p / theta^(2j/headDim).
 */
export function applyRotary(
  x: Float32Array,
  positions: ArrayLike<number>,
  numHeads: number,
  headDim: number,
  theta: number,
): Float32Array {
  const half = headDim / 2;
  const inverseFrequencies = new Float64Array(half);
  for (let j = 0; j < half; j++) inverseFrequencies[j] = 1 / theta ** ((2 * j) / headDim);
  const y = new Float32Array(x.length);
  for (let t = 0; t < positions.length; t++) {
    for (let j = 0; j < half; j++) {
      const angle = positions[t] * inverseFrequencies[j];
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      for (let h = 0; h < numHeads; h++) {
        const base = (t * numHeads + h) * headDim;
        const x1 = x[base + j];
        const x2 = x[base + j + half];
        y[base + j] = x1 * cos - x2 * sin;
        y[base + j + half] = x2 * cos + x1 * sin;
      }
    }
  }
  return y;
}
