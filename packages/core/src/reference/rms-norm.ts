/**
 * RMSNorm over each of `rows` vectors of `width` values:
 * y = x / sqrt(mean(x^2) + eps) * w. Also the qwen3 per-head q/k norm
 * (rows = tokens * heads, width = head dim).
 */
export function rmsNorm(x: Float32Array, rows: number, width: number, weight: Float32Array, eps: number): Float32Array {
  const y = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const offset = r * width;
    let sumSquares = 0;
    for (let i = 0; i < width; i++) sumSquares += x[offset + i] * x[offset + i];
    const scale = 1 / Math.sqrt(sumSquares / width + eps);
    for (let i = 0; i < width; i++) y[offset + i] = x[offset + i] * scale * weight[i];
  }
  return y;
}
