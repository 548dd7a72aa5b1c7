import type { StoredDType } from './weight-source.ts';

export const STORED_DTYPES: readonly StoredDType[] = ['F32', 'F16', 'BF16'];

/** Element sizes of every dtype the safetensors format defines, so byte lengths can be checked even for dtypes we cannot convert. */
export const SAFETENSORS_DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

export function isStoredDType(dtype: string): dtype is StoredDType {
  return (STORED_DTYPES as readonly string[]).includes(dtype);
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}
