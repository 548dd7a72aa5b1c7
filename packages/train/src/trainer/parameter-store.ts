import { PlugboardError } from '@plugboard/core';
import type { WeightSource } from '@plugboard/core';
import { floatTensor } from './ort-tensors.ts';
import type { OrtFeeds, OrtTensor } from './ort-tensors.ts';

/**
 * The current value of every parameter the training graph takes, as
 * Float32Arrays the optimizer updates in place. Each ORT tensor wraps its
 * array once and is reused every step, so feeding costs nothing.
 */
export class ParameterStore {
  private readonly values = new Map<string, Float32Array>();
  private readonly tensors = new Map<string, OrtTensor>();

  constructor(readonly shapes: ReadonlyMap<string, readonly number[]>) {}

  /** Fills the parameters that `source` has (base weights) and returns the names still unset. */
  loadFrom(source: WeightSource): string[] {
    const missing: string[] = [];
    for (const name of this.shapes.keys()) {
      if (source.has(name)) this.set(name, source.float32(name));
      else missing.push(name);
    }
    return missing;
  }

  set(name: string, data: Float32Array): void {
    const shape = this.shapeOf(name);
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) {
      throw new PlugboardError('WEIGHT_SHAPE_MISMATCH', `parameter "${name}" needs ${size} values for shape [${shape}], got ${data.length}`);
    }
    const existing = this.values.get(name);
    if (existing) existing.set(data);
    else this.values.set(name, Float32Array.from(data));
  }

  get(name: string): Float32Array {
    const value = this.values.get(name);
    if (!value) throw new PlugboardError('WEIGHT_MISSING', `parameter "${name}" has no value; load base weights and initialize the method's parameters first`);
    return value;
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  shapeOf(name: string): readonly number[] {
    const shape = this.shapes.get(name);
    if (!shape) throw new PlugboardError('INVALID_ARGUMENT', `"${name}" is not a parameter of this training graph`);
    return shape;
  }

  names(): string[] {
    return [...this.shapes.keys()];
  }

  /** Feeds for every parameter. */
  feeds(): OrtFeeds {
    const feeds: OrtFeeds = {};
    for (const name of this.shapes.keys()) {
      let tensor = this.tensors.get(name);
      if (!tensor) {
        tensor = floatTensor(this.get(name), this.shapeOf(name));
        this.tensors.set(name, tensor);
      }
      feeds[name] = tensor;
    }
    return feeds;
  }
}
