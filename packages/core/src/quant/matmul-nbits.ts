import { z } from 'zod';
import { PlugboardError } from '../errors/plugboard-error.ts';
import type { CodeBits } from './bit-packing.ts';
import { packCodes, packedByteLength, unpackCode } from './bit-packing.ts';

/**
 * Weight-only blockwise quantization in the layout of ORT's com.microsoft
 * MatMulNBits: W [N, K] (Hugging Face Linear layout, out × in) is cut into
 * blocks of `blockSize` along K; each block gets one float scale and, when
 * asymmetric, one zero point. Y = A · dequant(B)ᵀ with
 * dequant = (code - zeroPoint) · scale.
 */
export const MatMulNBitsOptionsSchema = z.object({
  bits: z.union([z.literal(4), z.literal(8)]),
  blockSize: z
    .number()
    .int()
    .min(16)
    .refine((n) => (n & (n - 1)) === 0, 'must be a power of two'),
  /**
   * symmetric: no zero_points input; ORT then uses the midpoint code
   * (8 for 4 bits, 128 for 8 bits). asymmetric: a packed uint8 zero point per block.
   */
  symmetric: z.boolean().default(true),
});
export type MatMulNBitsOptions = z.input<typeof MatMulNBitsOptionsSchema>;

export interface PackedMatMulNBits {
  /** uint8 [N, nBlocks, blobSize], blobSize = blockSize·bits/8 */
  b: Uint8Array;
  /** float32 [N · nBlocks] */
  scales: Float32Array;
  /** uint8 [N · ceil(nBlocks·bits/8)], absent when symmetric */
  zeroPoints?: Uint8Array;
  K: number;
  N: number;
  bits: CodeBits;
  blockSize: number;
}

export function blockCount(K: number, blockSize: number): number {
  return Math.ceil(K / blockSize);
}

/** The zero point MatMulNBits assumes when the zero_points input is omitted. */
export function defaultZeroPoint(bits: CodeBits): number {
  return 1 << (bits - 1);
}

/** Quantizes W (float32 [N, K], row-major) for MatMulNBits. A K that is no multiple of blockSize is padded with zeros. */
export function packMatMulNBits(w: Float32Array, N: number, K: number, options: MatMulNBitsOptions): PackedMatMulNBits {
  const parsed = MatMulNBitsOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new PlugboardError('INVALID_ARGUMENT', `invalid MatMulNBits options: ${z.prettifyError(parsed.error)}`);
  }
  const { bits, blockSize, symmetric } = parsed.data;
  if (!Number.isSafeInteger(N) || !Number.isSafeInteger(K) || N < 1 || K < 1 || w.length !== N * K) {
    throw new PlugboardError('INVALID_ARGUMENT', `weight has ${w.length} values but N=${N}, K=${K} needs ${N * K}; pass W as [out, in]`);
  }
  const nBlocks = blockCount(K, blockSize);
  const blobSize = (blockSize * bits) / 8;
  const zpRowBytes = packedByteLength(nBlocks, bits);
  const b = new Uint8Array(N * nBlocks * blobSize);
  const scales = new Float32Array(N * nBlocks);
  const zeroPoints = symmetric ? undefined : new Uint8Array(N * zpRowBytes);
  const quantizeBlock = symmetric ? symmetricBlock : asymmetricBlock;
  const codes = new Uint8Array(blockSize);
  const zpCodes = new Uint8Array(nBlocks);

  for (let n = 0; n < N; n++) {
    for (let blk = 0; blk < nBlocks; blk++) {
      const start = n * K + blk * blockSize;
      const values = w.subarray(start, start + Math.min(blockSize, K - blk * blockSize));
      const { scale, zeroPoint } = quantizeBlock(values, bits, codes);
      scales[n * nBlocks + blk] = scale;
      zpCodes[blk] = zeroPoint;
      packCodes(codes, bits, b, (n * nBlocks + blk) * blobSize);
    }
    if (zeroPoints !== undefined) packCodes(zpCodes, bits, zeroPoints, n * zpRowBytes);
  }
  return zeroPoints === undefined ? { b, scales, K, N, bits, blockSize } : { b, scales, zeroPoints, K, N, bits, blockSize };
}

/** The float32 [N, K] matrix MatMulNBits computes with: (code - zeroPoint) · scale. */
export function dequantizeMatMulNBits(packed: PackedMatMulNBits): Float32Array {
  const { b, scales, zeroPoints, K, N, bits, blockSize } = packed;
  const nBlocks = blockCount(K, blockSize);
  const blobSize = (blockSize * bits) / 8;
  const zpRowBytes = packedByteLength(nBlocks, bits);
  const out = new Float32Array(N * K);
  for (let n = 0; n < N; n++) {
    for (let blk = 0; blk < nBlocks; blk++) {
      const scale = scales[n * nBlocks + blk] as number;
      const zeroPoint = zeroPoints === undefined ? defaultZeroPoint(bits) : unpackCode(zeroPoints, bits, blk, n * zpRowBytes);
      const blobOffset = (n * nBlocks + blk) * blobSize;
      const count = Math.min(blockSize, K - blk * blockSize);
      for (let i = 0; i < count; i++) {
        out[n * K + blk * blockSize + i] = (unpackCode(b, bits, i, blobOffset) - zeroPoint) * scale;
      }
    }
  }
  return out;
}

interface BlockQuantization {
  scale: number;
  zeroPoint: number;
}

/**
 * Symmetric around the midpoint code z = 2^(bits-1): the value of largest
 * magnitude maps to code 0 (scale = -value / z), which uses the one extra
 * negative code and so keeps a little more precision than absmax / (z - 1).
 */
function symmetricBlock(values: Float32Array, bits: CodeBits, codes: Uint8Array): BlockQuantization {
  const zeroPoint = defaultZeroPoint(bits);
  let extreme = 0;
  for (const v of values) if (Math.abs(v) > Math.abs(extreme)) extreme = v;
  const scale = Math.fround(extreme / -zeroPoint);
  fillCodes(values, scale, zeroPoint, (1 << bits) - 1, codes);
  return { scale, zeroPoint };
}

/** Min/max over the block (range widened to include 0, so 0 stays exact). */
function asymmetricBlock(values: Float32Array, bits: CodeBits, codes: Uint8Array): BlockQuantization {
  const maxCode = (1 << bits) - 1;
  let min = 0;
  let max = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = Math.fround((max - min) / maxCode);
  const zeroPoint = scale === 0 ? defaultZeroPoint(bits) : clamp(Math.round(-min / scale), 0, maxCode);
  fillCodes(values, scale, zeroPoint, maxCode, codes);
  return { scale, zeroPoint };
}

/** Codes for the values; padding past the end of K gets the zero point, i.e. dequantizes to exactly 0. */
function fillCodes(values: Float32Array, scale: number, zeroPoint: number, maxCode: number, codes: Uint8Array): void {
  const inverse = scale === 0 ? 0 : 1 / scale;
  for (let i = 0; i < codes.length; i++) {
    codes[i] = i < values.length ? clamp(Math.round((values[i] as number) * inverse) + zeroPoint, 0, maxCode) : zeroPoint;
  }
}

function clamp(value: number, lo: number, hi: number): number {
  return value < lo ? lo : value > hi ? hi : value;
}
