import { createHash } from 'node:crypto';
import { PlugboardError } from '../errors/plugboard-error.ts';
import type { TensorInfo, WeightSource } from '../hf/weight-source.ts';

export interface InMemoryTensor {
  shape: number[];
  data: Float32Array;
}

/**
 * A WeightSource over float32 tensors held in memory: tiny test models,
 * merged weights, weights made by training. Stores copies, hands out copies.
 */
export class InMemoryWeights implements WeightSource {
  private readonly tensors = new Map<string, InMemoryTensor>();

  constructor(entries: Iterable<[string, InMemoryTensor]> = []) {
    for (const [name, tensor] of entries) this.set(name, tensor.shape, tensor.data);
  }

  /** A float32 copy of every tensor of `source`, e.g. to edit some weights of a model. */
  static copyOf(source: WeightSource): InMemoryWeights {
    const copy = new InMemoryWeights();
    for (const name of source.names()) copy.set(name, source.info(name).shape, source.float32(name));
    return copy;
  }

  /** Adds or replaces a tensor; `data` must hold exactly the shape's element count. */
  set(name: string, shape: number[], data: Float32Array): this {
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new PlugboardError('INVALID_ARGUMENT', `tensor "${name}" has an invalid shape [${shape}]`);
    }
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) {
      throw new PlugboardError('INVALID_ARGUMENT', `tensor "${name}" has ${data.length} values but shape [${shape}] needs ${size}`);
    }
    this.tensors.set(name, { shape: [...shape], data: Float32Array.from(data) });
    return this;
  }

  names(): string[] {
    return [...this.tensors.keys()];
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  info(name: string): TensorInfo {
    const { shape, data } = this.get(name);
    return { name, dtype: 'F32', shape: [...shape], byteLength: data.byteLength };
  }

  float32(name: string): Float32Array {
    return Float32Array.from(this.get(name).data);
  }

  /** Little-endian float32 bytes, as safetensors stores F32. */
  raw(name: string): Uint8Array {
    const { data } = this.get(name);
    const bytes = new Uint8Array(data.length * 4);
    const view = new DataView(bytes.buffer);
    data.forEach((value, i) => view.setFloat32(i * 4, value, true));
    return bytes;
  }

  /**
   * sha256 over names, shapes and values: in memory there is no file header
   * to hash, and equal names and shapes must not hide different weights.
   */
  fingerprint(): string {
    const hash = createHash('sha256');
    for (const name of this.names().sort()) {
      hash.update(`${name}:${this.get(name).shape.join('x')};`);
      hash.update(this.raw(name));
    }
    return hash.digest('hex');
  }

  private get(name: string): InMemoryTensor {
    const tensor = this.tensors.get(name);
    if (!tensor) throw new PlugboardError('WEIGHT_MISSING', `no tensor named "${name}" in these in-memory weights`);
    return tensor;
  }
}
