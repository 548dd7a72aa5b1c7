import { attr } from '@plugboard/core';
import type { GraphBuilder } from '@plugboard/core';

export interface LoraPairInputs {
  /** A [r, in] */
  a: string;
  /** B [out, r] */
  b: string;
  scaling: number;
}

/** y = x W^T (+ bias) for x [N, in] and an HF weight W [out, in]; Gemm's transB spares a Transpose. */
export function linearOps(b: GraphBuilder, x: string, weight: string, bias: string | null): string {
  const y = b.op1('Gemm', [x, weight], { transB: attr.int(1) });
  return bias === null ? y : b.op1('Add', [y, bias]);
}

/** y + scaling · (x A^T) B^T: PEFT's LoRA forward; the scaling is applied on the rank-sized product. */
export function addLoraOps(b: GraphBuilder, x: string, y: string, pair: LoraPairInputs): string {
  const down = b.op1('Gemm', [x, pair.a], { transB: attr.int(1) });
  const scaled = b.op1('Mul', [down, b.constant('float32', [pair.scaling], [])]);
  return b.op1('Add', [y, b.op1('Gemm', [scaled, pair.b], { transB: attr.int(1) })]);
}
