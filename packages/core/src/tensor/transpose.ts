/**
 * [rows, cols] row-major → [cols, rows] row-major, each value times `scale`.
 * Tiled, so both the reads and the writes stay within cache lines on big weights.
 */
export function transpose(values: Float32Array, rows: number, cols: number, scale = 1): Float32Array {
  const out = new Float32Array(rows * cols);
  const tile = 32;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    for (let c0 = 0; c0 < cols; c0 += tile) {
      const rEnd = Math.min(r0 + tile, rows);
      const cEnd = Math.min(c0 + tile, cols);
      for (let r = r0; r < rEnd; r++) {
        for (let c = c0; c < cEnd; c++) out[c * rows + r] = (values[r * cols + c] as number) * scale;
      }
    }
  }
  return out;
}
