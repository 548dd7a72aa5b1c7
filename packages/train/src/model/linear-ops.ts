import { attr } from '@plugboard/core';
import type { GraphBuilder } from '@plugboard/core';

/** y = x W^T (+ bias) for x [N, in] and an HF weight W [out, in]; Gemm's transB spares a Transpose. */
export function linearOps(b: GraphBuilder, x: string, weight: string, bias: string | null): string {
  const y = b.op1('Gemm', [x, weight], { transB: attr.int(1) });
  return bias === null ? y : b.op1('Add', [y, bias]);
}
