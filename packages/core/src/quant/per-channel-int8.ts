/**
 * Symmetric per-output-channel int8 weights in the layout of ORT's
 * com.microsoft DynamicQuantizeMatMul: W [N, K] (Hugging Face Linear layout,
 * out × in) becomes B int8 [K, N] (transposed, as MatMul reads it) with one
 * float scale per output channel, w ≈ code · scale, codes in [-127, 127]
 * (no zero point). At run time ORT quantizes the activations per tensor to
 * uint8 and multiplies in MLAS's QGEMM (U8S8), which has AVX-512 VNNI and
 * AMX kernels; MatMulNBits with int8 blocks does not reach them.
 */
export interface PerChannelInt8 {
  /** int8 codes [K, N] as bytes */
  b: Uint8Array;
  /** float32 [N] */
  scales: Float32Array;
  K: number;
  N: number;
}

export function quantizePerChannelInt8(rows: Float32Array, N: number, K: number): PerChannelInt8 {
  const codes = new Int8Array(K * N);
  const scales = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    let max = 0;
    for (let k = 0; k < K; k++) max = Math.max(max, Math.abs(rows[n * K + k] as number));
    const scale = max === 0 ? 1 : max / 127;
    scales[n] = scale;
    for (let k = 0; k < K; k++) codes[k * N + n] = Math.round((rows[n * K + k] as number) / scale);
  }
  return { b: new Uint8Array(codes.buffer), scales, K, N };
}

/** The weights as the graph computes with them, back in the HF layout [N, K]: what an independent check compares against. */
export function dequantizePerChannelInt8({ b, scales, K, N }: PerChannelInt8): Float32Array {
  const codes = new Int8Array(b.buffer, b.byteOffset, b.byteLength);
  const rows = new Float32Array(N * K);
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) rows[n * K + k] = (codes[k * N + n] as number) * (scales[n] as number);
  return rows;
}
