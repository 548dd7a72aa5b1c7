import { ONNX_DATA_TYPE } from '@plugboard/core';
import type { DType } from '@plugboard/core';

const DTYPE_OF_ONNX = new Map<number, DType>(Object.entries(ONNX_DATA_TYPE).map(([dtype, code]) => [code, dtype as DType]));

/** The IR dtype of an ONNX TensorProto.DataType number (Cast's `to`). */
export function dtypeOfOnnx(code: number): DType | undefined {
  return DTYPE_OF_ONNX.get(code);
}
