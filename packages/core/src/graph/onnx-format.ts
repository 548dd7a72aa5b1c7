import type { DType } from './ir.ts';

/**
 * The ONNX format versions Plugboard writes. onnxruntime-node 1.30 loads
 * IR version 10 and default-domain opset 21, which has every standard op our
 * graphs use (LayerNormalization, Trilu, reduce ops with `axes` as an input).
 * Contrib ops (GroupQueryAttention, RotaryEmbedding, MatMulNBits,
 * SkipSimplifiedLayerNormalization) live in `com.microsoft` version 1;
 * SimplifiedLayerNormalization is registered by ORT in the default domain.
 */
export const ONNX_IR_VERSION = 10;
export const ONNX_OPSET = 21;
export const CONTRIB_DOMAIN = 'com.microsoft';
export const CONTRIB_OPSET = 1;

/** TensorProto.DataType numbers, by IR dtype. */
export const ONNX_DATA_TYPE: Record<DType, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
};
