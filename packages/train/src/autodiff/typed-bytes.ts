import { PlugboardError, bytesOf } from '@plugboard/core';
import type { DType } from '@plugboard/core';

/** Float values as raw bytes of a float dtype (gradient constants take the dtype of the values they meet). */
export function floatBytes(dtype: DType, values: number[]): Uint8Array {
  if (dtype === 'float32') return bytesOf(new Float32Array(values));
  if (dtype === 'float64') return bytesOf(new Float64Array(values));
  throw new PlugboardError('UNSUPPORTED_DTYPE', `autodiff emits float32 or float64 gradients, not ${dtype}; cast the graph's float values to float32 before differentiating`);
}
