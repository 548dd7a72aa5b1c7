/**
 * Packs unsigned codes of `bits` bits (4 or 8) into bytes, low bits first,
 * the order MatMulNBits reads both its weight blobs and its zero points in:
 * code 2i sits in the low nibble of byte i, code 2i+1 in the high nibble.
 */
export type CodeBits = 4 | 8;

export function packCodes(codes: ArrayLike<number>, bits: CodeBits, out: Uint8Array, outOffset = 0): void {
  if (bits === 8) {
    for (let i = 0; i < codes.length; i++) out[outOffset + i] = codes[i] as number;
    return;
  }
  for (let i = 0; i < codes.length; i += 2) {
    const low = codes[i] as number;
    const high = i + 1 < codes.length ? (codes[i + 1] as number) : 0;
    out[outOffset + (i >> 1)] = low | (high << 4);
  }
}

export function unpackCode(packed: Uint8Array, bits: CodeBits, index: number, byteOffset = 0): number {
  if (bits === 8) return packed[byteOffset + index] as number;
  const byte = packed[byteOffset + (index >> 1)] as number;
  return (index & 1) === 0 ? byte & 0x0f : byte >> 4;
}

/** Bytes needed for `count` codes of `bits` bits. */
export function packedByteLength(count: number, bits: CodeBits): number {
  return Math.ceil((count * bits) / 8);
}
