import type { DType } from '../graph/ir.ts';
import type { CodeBits } from '../quant/bit-packing.ts';
import type { PackedMatMulNBits } from '../quant/matmul-nbits.ts';

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
  /**
   * The 2-D weight as MatMulNBits blocks of `bits`/`blockSize` (symmetric,
   * default zero point), when the source already stores it that way up to a
   * byte reshuffle (GGUF Q4_0/Q8_0); undefined when it would take a float
   * round trip. Sources without stored quantization leave it out.
   */
  quantized?(name: string, bits: CodeBits, blockSize: number): PackedMatMulNBits | undefined;
  /** The block size the source stores `bits`-bit weights in, if it stores any (what a build should use to take them over). */
  quantizedBlockSize?(bits: CodeBits): number | undefined;
}

export const STORED_TO_IR_DTYPE: Record<StoredDType, DType> = { F32: 'float32', F16: 'float16', BF16: 'float32' };
