import type { DType } from '../graph/ir.ts';

/** Where a stored tensor came from, as written on disk. */
export type StoredDType = 'F32' | 'F16' | 'BF16';

export interface TensorInfo {
  name: string;
  dtype: StoredDType;
  shape: number[];
  /** bytes on disk */
  byteLength: number;
}

/**
 * Read access to a model's named weights (Hugging Face names, e.g.
 * "model.layers.0.self_attn.q_proj.weight"). Tensors are read on demand, so
 * callers never hold more than the tensors they are using.
 */
export interface WeightSource {
  names(): string[];
  has(name: string): boolean;
  info(name: string): TensorInfo;
  /** The tensor converted to float32 (a fresh array the caller owns). */
  float32(name: string): Float32Array;
  /** The tensor's bytes exactly as stored. */
  raw(name: string): Uint8Array;
  /** 64-hex sha256 identifying the weights by content: any changed value moves it (what skills pin as their base). */
  fingerprint(): string;
}

export const STORED_TO_IR_DTYPE: Record<StoredDType, DType> = { F32: 'float32', F16: 'float16', BF16: 'float32' };
