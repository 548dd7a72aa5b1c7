/**
 * llama.cpp's converter permutes the rows of q_proj/k_proj of llama-arch
 * models (convert_hf_to_gguf.py `LlamaModel.permute`): within each head, HF
 * keeps rotary pairs half a head apart (rows i and i + hd/2, the
 * rotate_half layout) and GGUF interleaves them (rows 2i and 2i+1). With
 * a = which half, b = index in the half:
 *   GGUF row h·hd + 2b + a  =  HF row h·hd + a·hd/2 + b
 * `rows` is [heads·hd, cols] row-major (a bias is cols = 1); float values,
 * or the bytes of quantized rows (cols = bytes per row), which move whole.
 */
export function unpermuteRopeRows<T extends Float32Array | Uint8Array>(rows: T, heads: number, cols: number): T {
  return movedRows(rows, heads, cols, (a, b, half) => [2 * b + a, a * half + b]);
}

/** The converter's permutation itself (HF → GGUF), for writing llama GGUFs. */
export function permuteRopeRows(rows: Float32Array, heads: number, cols: number): Float32Array {
  return movedRows(rows, heads, cols, (a, b, half) => [a * half + b, 2 * b + a]);
}

function movedRows<T extends Float32Array | Uint8Array>(rows: T, heads: number, cols: number, map: (a: number, b: number, half: number) => [from: number, to: number]): T {
  const headDim = rows.length / cols / heads;
  const half = headDim / 2;
  const out = rows.slice() as T; // same type and length; every row is overwritten below
  for (let h = 0; h < heads; h++) {
    for (let a = 0; a < 2; a++) {
      for (let b = 0; b < half; b++) {
        const [from, to] = map(a, b, half);
        const src = (h * headDim + from) * cols;
        out.set(rows.subarray(src, src + cols), (h * headDim + to) * cols);
      }
    }
  }
  return out;
}
