import * as ort from 'onnxruntime-node';
import { PlugboardError } from '@plugboard/core';

export type OrtTensor = ort.Tensor;
export type OrtFeeds = Record<string, OrtTensor>;

/** A float32 tensor over `data` (not copied: later writes to `data` show in the next run). */
export function floatTensor(data: Float32Array, dims: readonly number[]): OrtTensor {
  return new ort.Tensor('float32', data, dims);
}

export function int64Tensor(data: BigInt64Array, dims: readonly number[]): OrtTensor {
  return new ort.Tensor('int64', data, dims);
}

/** The float32 values of a run output; GRAPH_INVALID when the graph did not produce it. */
export function floatData(tensor: OrtTensor | undefined, name: string): Float32Array {
  if (tensor === undefined || !(tensor.data instanceof Float32Array)) {
    throw new PlugboardError('GRAPH_INVALID', `the training graph produced no float32 output "${name}"`);
  }
  return tensor.data;
}
