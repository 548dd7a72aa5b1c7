import { PlugboardError } from '../errors/plugboard-error.ts';
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

  constructor(private readonly inner: WeightSource) {}

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
    if (!this.seen.has(name)) this.seen.set(name, checkedNorm(values, name));
    return values;
  }

  raw(name: string): Uint8Array {
    if (!this.seen.has(name)) this.float32(name);
    return this.inner.raw(name);
  }

  fingerprint(): string {
    return this.inner.fingerprint();
  }
}

/** √Σv² in float64, throwing NUMERIC_ERROR at the first non-finite value. */
function checkedNorm(values: Float32Array, name: string): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) {
      throw new PlugboardError(
        'NUMERIC_ERROR',
        `weight "${name}" holds ${v} at index ${i}: model weights must be finite; the checkpoint is corrupt or was saved after a diverged run (re-export it)`,
        { details: { tensor: name, index: i, value: String(v) } },
      );
    }
    sum += v * v;
  }
  return Math.sqrt(sum);
}
