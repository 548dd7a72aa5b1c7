import type { OpRule, VjpContext } from '../op-rule.ts';
import type { GradEmitter } from '../grad-emitter.ts';
import { likeInput } from './infer-helpers.ts';

/** dx from (g, x, y): elementwise ops need no un-broadcasting. */
type Derivative = (e: GradEmitter, g: string, x: string, y: string) => string;

function unary(derivative: Derivative): OpRule {
  return {
    infer: likeInput(0),
    vjp: ({ e, node, grad, needs }: VjpContext) =>
      needs(0) ? [derivative(e, grad(), node.inputs[0] as string, node.outputs[0] as string)] : [],
  };
}

export const UNARY_RULES: Record<string, OpRule> = {
  Identity: unary((_e, g) => g),
  Neg: unary((e, g) => e.op('Neg', [g])),
  // d sqrt(x) = 1 / (2 sqrt(x))
  Sqrt: unary((e, g, _x, y) => e.op('Div', [e.op('Mul', [g, e.scalarLike(y, 0.5)]), y])),
  // d (1/x) = -1/x² = -y²
  Reciprocal: unary((e, g, _x, y) => e.op('Neg', [e.op('Mul', [g, e.op('Mul', [y, y])])])),
  Exp: unary((e, g, _x, y) => e.op('Mul', [g, y])),
  Log: unary((e, g, x) => e.op('Div', [g, x])),
  Sigmoid: unary((e, g, _x, y) => e.op('Mul', [e.op('Mul', [g, y]), e.op('Sub', [e.scalarLike(y, 1), y])])),
  Tanh: unary((e, g, _x, y) => e.op('Mul', [g, e.op('Sub', [e.scalarLike(y, 1), e.op('Mul', [y, y])])])),
  // d erf(x) = 2/√π · exp(-x²)
  Erf: unary((e, g, x) =>
    e.op('Mul', [g, e.op('Mul', [e.scalarLike(x, 2 / Math.sqrt(Math.PI)), e.op('Exp', [e.op('Neg', [e.op('Mul', [x, x])])])])]),
  ),
  Relu: unary((e, g, x) => e.op('Where', [e.op('Greater', [x, e.scalarLike(x, 0)]), g, e.scalarLike(x, 0)])),
};
