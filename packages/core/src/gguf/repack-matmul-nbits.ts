import { float16BitsToFloat32 } from '../hf/half-precision.ts';
import type { CodeBits } from '../quant/bit-packing.ts';
import { packCodes } from '../quant/bit-packing.ts';
import { defaultZeroPoint } from '../quant/matmul-nbits.ts';
import type { PackedMatMulNBits } from '../quant/matmul-nbits.ts';
import { SUPPORTED_GGML_TYPES } from './ggml-types.ts';

/** The ggml block types that are MatMulNBits blocks in another byte order, and the bits they map to. */
export const REPACKABLE_GGML_TYPES = { Q4_0: 4, Q8_0: 8 } as const satisfies Record<string, CodeBits>;
export type RepackableGgmlType = keyof typeof REPACKABLE_GGML_TYPES;

/** The weights per scale of both Q4_0 and Q8_0. */
export const GGML_QUANT_BLOCK_SIZE = SUPPORTED_GGML_TYPES[2].blockSize;

/**
 * Q4_0/Q8_0 rows ([N rows of K/32 blocks], as GGUF stores a [N, K] weight)
 * as MatMulNBits blocks of 32 with no zero_points input, integer for
 * integer — no float round trip, so the graph computes with exactly the
 * file's values:
 * - Q4_0 (f16 d, qs[16]; value j = d·(low nibble of qs[j] − 8), value j+16 =
 *   d·(high nibble − 8)) → 4-bit codes in order, scale d; the default zero point is 8.
 * - Q8_0 (f16 d, int8 q[32]; value = d·q) → uint8 code q + 128, scale d;
 *   the default zero point is 128.
 */
export function repackGgmlBlocks(bytes: Uint8Array, type: RepackableGgmlType, N: number, K: number): PackedMatMulNBits {
  const bits = REPACKABLE_GGML_TYPES[type];
  const blockSize = GGML_QUANT_BLOCK_SIZE;
  const blocks = N * (K / blockSize);
  const stride = 2 + (blockSize * bits) / 8; // f16 d + the codes: 18 (Q4_0) or 34 (Q8_0) bytes
  const blobSize = (blockSize * bits) / 8;
  const b = new Uint8Array(blocks * blobSize);
  const halfScales = new Uint16Array(blocks);
  const codes = new Uint8Array(blockSize);
  const zeroPoint = defaultZeroPoint(bits);
  for (let block = 0; block < blocks; block++) {
    const at = block * stride;
    halfScales[block] = bytes[at]! | (bytes[at + 1]! << 8); // little-endian f16
    for (let j = 0; j < blockSize; j++) {
      codes[j] = bits === 8 ? ((bytes[at + 2 + j]! << 24) >> 24) + zeroPoint : j < 16 ? bytes[at + 2 + j]! & 0x0f : bytes[at + 2 + j - 16]! >> 4;
    }
    packCodes(codes, bits, b, block * blobSize);
  }
  return { b, scales: float16BitsToFloat32(halfScales), K, N, bits, blockSize };
}
