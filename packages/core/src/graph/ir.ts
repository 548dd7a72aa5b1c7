/**
 * The graph IR: a small, explicit, typed description of an ONNX graph.
 * The inference builder writes it, the serializer turns it into model.onnx,
 * and training differentiates it; so ops stay plain ONNX nodes.
 */
export const DTYPES = ['float32', 'float16', 'float64', 'int64', 'int32', 'int8', 'uint8', 'bool'] as const;
export type DType = (typeof DTYPES)[number];

/** A concrete size or a symbolic one ("batch", "sequence", ...). */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  dtype: DType;
  shape: Dim[];
}

export type Attribute =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'ints'; value: number[] }
  | { type: 'floats'; value: number[] }
  | { type: 'tensor'; value: Initializer };

export const attr = {
  int: (value: number): Attribute => ({ type: 'int', value }),
  float: (value: number): Attribute => ({ type: 'float', value }),
  string: (value: string): Attribute => ({ type: 'string', value }),
  ints: (value: number[]): Attribute => ({ type: 'ints', value }),
  floats: (value: number[]): Attribute => ({ type: 'floats', value }),
  tensor: (value: Initializer): Attribute => ({ type: 'tensor', value }),
};

export interface Node {
  name: string;
  op: string;
  /** '' is the default ONNX domain; 'com.microsoft' holds the contrib ops */
  domain: string;
  /** '' marks an omitted optional input */
  inputs: string[];
  outputs: string[];
  attributes: Record<string, Attribute>;
}

/** Bytes of a tensor, available now or produced on demand (so a serializer can stream weights one at a time). */
export type TensorBytes = Uint8Array | (() => Uint8Array);

export interface Initializer {
  name: string;
  dtype: DType;
  dims: number[];
  data: TensorBytes;
}

export interface Graph {
  name: string;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  nodes: Node[];
  initializers: Initializer[];
}

export const DTYPE_BYTES: Record<DType, number> = {
  float32: 4,
  float16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  int8: 1,
  uint8: 1,
  bool: 1,
};

export function tensorBytes(data: TensorBytes): Uint8Array {
  return typeof data === 'function' ? data() : data;
}

export function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
