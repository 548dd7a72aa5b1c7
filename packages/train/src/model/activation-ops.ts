import type { BottleneckActivation, GraphBuilder } from '@plugboard/core';

/** x · sigmoid(x) */
export function siluOps(b: GraphBuilder, x: string): string {
  return b.op1('Mul', [x, b.op1('Sigmoid', [x])]);
}

/** Exact GELU, 0.5 x (1 + erf(x / √2)), as the reference computes it. */
function geluOps(b: GraphBuilder, x: string): string {
  const erf = b.op1('Erf', [b.op1('Mul', [x, b.constant('float32', [Math.SQRT1_2], [])])]);
  const onePlus = b.op1('Add', [erf, b.constant('float32', [1], [])]);
  return b.op1('Mul', [b.op1('Mul', [x, onePlus]), b.constant('float32', [0.5], [])]);
}

export function activationOps(b: GraphBuilder, x: string, activation: BottleneckActivation): string {
  switch (activation) {
    case 'silu':
      return siluOps(b, x);
    case 'relu':
      return b.op1('Relu', [x]);
    case 'gelu':
      return geluOps(b, x);
  }
}
