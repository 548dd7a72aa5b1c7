/**
 * y = x W^T + b for `rows` row vectors, with W in Hugging Face Linear layout
 * [out, in]. Dot products accumulate in float64; results are stored as float32.
 */
export function linear(
  x: Float32Array,
  rows: number,
  weight: Float32Array,
  outFeatures: number,
  inFeatures: number,
  bias?: Float32Array,
): Float32Array {
  const y = new Float32Array(rows * outFeatures);
  for (let r = 0; r < rows; r++) {
    const xOffset = r * inFeatures;
    for (let o = 0; o < outFeatures; o++) {
      const wOffset = o * inFeatures;
      let sum = bias ? bias[o] : 0;
      for (let i = 0; i < inFeatures; i++) sum += x[xOffset + i] * weight[wOffset + i];
      y[r * outFeatures + o] = sum;
    }
  }
  return y;
}

/**
 * out = v M for one vector v (n values from `v` at `vOffset`) and a row-major
 * [n, m] matrix M stored at `mOffset` (the slot tensors' [in, out] layout).
 * Float64 in and out, so chained products round only once.
 */
export function vectorTimesMatrix(
  v: ArrayLike<number>,
  vOffset: number,
  n: number,
  matrix: Float32Array,
  mOffset: number,
  m: number,
): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const vi = v[vOffset + i];
    if (vi === 0) continue;
    const row = mOffset + i * m;
    for (let j = 0; j < m; j++) out[j] += vi * matrix[row + j];
  }
  return out;
}
