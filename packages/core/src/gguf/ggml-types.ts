/**
 * ggml tensor types as GGUF stores them (ids from ggml.h's `enum ggml_type`).
 * Block types hold `blockSize` values in `bytesPerBlock` bytes along the
 * innermost dimension.
 */
export interface GgmlTypeInfo {
  name: string;
  blockSize: number;
  bytesPerBlock: number;
}

/** The types we read (dequantized to float32); any other id is UNSUPPORTED_DTYPE. */
export const SUPPORTED_GGML_TYPES = {
  0: { name: 'F32', blockSize: 1, bytesPerBlock: 4 },
  1: { name: 'F16', blockSize: 1, bytesPerBlock: 2 },
  // one f16 scale + 32 4-bit values (low nibbles = first 16, high nibbles = last 16), value = d·(q − 8)
  2: { name: 'Q4_0', blockSize: 32, bytesPerBlock: 18 },
  // one f16 scale + 32 int8 values, value = d·q
  8: { name: 'Q8_0', blockSize: 32, bytesPerBlock: 34 },
  30: { name: 'BF16', blockSize: 1, bytesPerBlock: 2 },
} as const satisfies Record<number, GgmlTypeInfo>;

export type SupportedGgmlTypeId = keyof typeof SUPPORTED_GGML_TYPES;
export type SupportedGgmlTypeName = (typeof SUPPORTED_GGML_TYPES)[SupportedGgmlTypeId]['name'];

/** Names of the types we do not read, for error messages (ggml.h). */
export const OTHER_GGML_TYPE_NAMES: Record<number, string> = {
  3: 'Q4_1', 6: 'Q5_0', 7: 'Q5_1', 9: 'Q8_1', 10: 'Q2_K', 11: 'Q3_K', 12: 'Q4_K', 13: 'Q5_K', 14: 'Q6_K', 15: 'Q8_K',
  16: 'IQ2_XXS', 17: 'IQ2_XS', 18: 'IQ3_XXS', 19: 'IQ1_S', 20: 'IQ4_NL', 21: 'IQ3_S', 22: 'IQ2_S', 23: 'IQ4_XS',
  24: 'I8', 25: 'I16', 26: 'I32', 27: 'I64', 28: 'F64', 29: 'IQ1_M', 34: 'TQ1_0', 35: 'TQ2_0',
};

export function ggmlTypeInfo(type: number): GgmlTypeInfo | undefined {
  return (SUPPORTED_GGML_TYPES as Record<number, GgmlTypeInfo>)[type];
}

export function ggmlTypeName(type: number): string {
  return ggmlTypeInfo(type)?.name ?? OTHER_GGML_TYPE_NAMES[type] ?? `type ${type}`;
}

export function ggmlTypeId(name: SupportedGgmlTypeName): SupportedGgmlTypeId {
  const entry = Object.entries(SUPPORTED_GGML_TYPES).find(([, info]) => info.name === name);
  return Number(entry![0]) as SupportedGgmlTypeId;
}
