import { attr } from '@plugboard/core';
import type { GraphBuilder } from '@plugboard/core';

/**
 * RMSNorm over the last axis from plain ops (the autodiff has no fused
 * norm): x * 1/sqrt(mean(x²) + eps) * weight.
 */
export function rmsNormOps(b: GraphBuilder, x: string, weight: string, eps: number): string {
  const meanSquare = b.op1('ReduceMean', [b.op1('Mul', [x, x]), b.constant('int64', [-1])], { keepdims: attr.int(1) });
  const inverse = b.op1('Reciprocal', [b.op1('Sqrt', [b.op1('Add', [meanSquare, b.constant('float32', [eps], [])])])]);
  return b.op1('Mul', [b.op1('Mul', [x, inverse]), weight]);
}
