import { PlugboardError } from '../errors/plugboard-error.ts';
import type { CodeBits } from '../quant/bit-packing.ts';
import { unpackCode } from '../quant/bit-packing.ts';
import { blockCount, defaultZeroPoint } from '../quant/matmul-nbits.ts';
import type { PackedMatMulNBits } from '../quant/matmul-nbits.ts';
import type { TensorInfo, WeightSource } from './weight-source.ts';

/**
 * A WeightSource that checks each tensor as it is read anyway (by the graph
 * build): a NaN or ±Infinity anywhere is NUMERIC_ERROR naming the tensor,
 * instead of a model whose every token comes out as id 0. Records each
 * tensor's Frobenius norm on the way (what the adapter bank bounds adapter
 * deltas against).
 */
export class CheckedWeights implements WeightSource {
  private readonly seen = new Map<string, number>();

  /** `onFirstRead` hears of each tensor the first time it is read (how a load reports its progress). */
  constructor(
    private readonly inner: WeightSource,
    private readonly onFirstRead: (name: string) => void = () => {},
  ) {}

  /** Frobenius norm of every tensor read so far, by name. */
  get norms(): ReadonlyMap<string, number> {
    return this.seen;
  }

  names(): string[] {
    return this.inner.names();
  }

  has(name: string): boolean {
    return this.inner.has(name);
  }

  info(name: string): TensorInfo {
    return this.inner.info(name);
  }

  float32(name: string): Float32Array {
    const values = this.inner.float32(name);
    if (!this.seen.has(name)) this.record(name, checkedNorm(values, name));
    return values;
  }

  raw(name: string): Uint8Array {
    if (!this.seen.has(name)) this.float32(name);
    return this.inner.raw(name);
  }

  fingerprint(): string {
    return this.inner.fingerprint();
  }

  /** Stored blocks checked and measured from the codes and scales, so taking them over needs no float copy either. */
  quantized(name: string, bits: CodeBits, blockSize: number): PackedMatMulNBits | undefined {
    const packed = this.inner.quantized?.(name, bits, blockSize);
    if (packed !== undefined && !this.seen.has(name)) this.record(name, checkedPackedNorm(packed, name));
    return packed;
  }

  private record(name: string, norm: number): void {
    this.seen.set(name, norm);
    this.onFirstRead(name);
  }

  quantizedBlockSize(bits: CodeBits): number | undefined {
    return this.inner.quantizedBlockSize?.(bits);
  }
}

/** √Σ((code − zero point)·scale)² of symmetric MatMulNBits blocks; a non-finite scale is NUMERIC_ERROR. */
function checkedPackedNorm({ b, scales, K, N, bits, blockSize }: PackedMatMulNBits, name: string): number {
  const zeroPoint = defaultZeroPoint(bits);
  const blobSize = (blockSize * bits) / 8;
  const perRow = blockCount(K, blockSize);
  let sum = 0;
  for (let block = 0; block < N * perRow; block++) {
    const scale = scales[block] as number;
    if (!Number.isFinite(scale)) throw nonFinite(name, block * blockSize, scale);
    let codes = 0;
    for (let i = 0; i < blockSize; i++) codes += (unpackCode(b, bits, i, block * blobSize) - zeroPoint) ** 2;
    sum += scale * scale * codes;
  }
  return Math.sqrt(sum);
}

/** √Σv² in float64, throwing NUMERIC_ERROR at the first non-finite value. */
function checkedNorm(values: Float32Array, name: string): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) throw nonFinite(name, i, v);
    sum += v * v;
  }
  return Math.sqrt(sum);
}

function nonFinite(name: string, index: number, value: number): PlugboardError {
  return new PlugboardError(
    'NUMERIC_ERROR',
    `weight "${name}" holds ${value} at index ${index}: model weights must be finite; the checkpoint is corrupt or was saved after a diverged run (re-export it)`,
    { details: { tensor: name, index, value: String(value) } },
  );
}
