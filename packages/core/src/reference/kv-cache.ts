import type { ModelConfig } from '../hf/config.ts';

/**
 * One layer's cached keys (after rotary) and values of one row, token-major:
 * [length, numKvHeads * headDim]. (The ONNX graph's `present.{i}.key` is
 * head-major [kvH, P, hd]; see `headMajor`.)
 */
export interface ReferenceLayerKv {
  keys: Float32Array;
  values: Float32Array;
}

export interface ReferenceRowCache {
  /** tokens cached so far */
  length: number;
  /** one entry per decoder layer */
  layers: ReferenceLayerKv[];
}

/** Per-row caches; rows are independent and may differ in length. Never mutated by forward. */
export interface ReferenceKvCache {
  rows: ReferenceRowCache[];
}

export function emptyReferenceCache(config: ModelConfig, batchSize: number): ReferenceKvCache {
  return { rows: Array.from({ length: batchSize }, () => emptyRowCache(config)) };
}

export function emptyRowCache(config: ModelConfig): ReferenceRowCache {
  return {
    length: 0,
    layers: Array.from({ length: config.numLayers }, () => ({ keys: new Float32Array(0), values: new Float32Array(0) })),
  };
}

/** A new array holding `past` followed by `added`. */
export function concatenate(past: Float32Array, added: Float32Array): Float32Array {
  const joined = new Float32Array(past.length + added.length);
  joined.set(past, 0);
  joined.set(added, past.length);
  return joined;
}

/** Token-major [length, heads*headDim] to head-major [heads, length, headDim], the ONNX present layout. */
export function headMajor(tokenMajor: Float32Array, heads: number, headDim: number): Float32Array {
  const length = tokenMajor.length / (heads * headDim);
  const out = new Float32Array(tokenMajor.length);
  for (let t = 0; t < length; t++) {
    for (let h = 0; h < heads; h++) {
      const from = (t * heads + h) * headDim;
      out.set(tokenMajor.subarray(from, from + headDim), (h * length + t) * headDim);
    }
  }
  return out;
}
