import { ONNX_DATA_TYPE, attr } from '@plugboard/core';
import type { OpRule, VjpContext } from '../op-rule.ts';
import { broadcastOf } from './infer-helpers.ts';

/**
 * Broadcasting binary arithmetic. Every input gradient is computed at the
 * output's shape, then summed down to the input's shape (un-broadcast).
 */
function inputGrads(ctx: VjpContext, ...perInput: ((g: string) => string)[]): (string | undefined)[] {
  const { node, e, facts } = ctx;
  const y = node.outputs[0] as string;
  return perInput.map((atOutput, i) => {
    if (!ctx.needs(i)) return undefined;
    return e.sumToShape(atOutput(ctx.grad()), facts.shape(y), node.inputs[i] as string);
  });
}

const infer = broadcastOf([0, 1]);

export const BINARY_RULES: Record<string, OpRule> = {
  Add: { infer, vjp: (ctx) => inputGrads(ctx, (g) => g, (g) => g) },
  Sub: {
    infer,
    vjp: (ctx) => {
      const [da, db] = inputGrads(ctx, (g) => g, (g) => g);
      return [da, db === undefined ? undefined : ctx.e.op('Neg', [db])];
    },
  },
  Mul: {
    infer,
    vjp: (ctx) => {
      const [a, b] = ctx.node.inputs as [string, string];
      return inputGrads(
        ctx,
        (g) => ctx.e.op('Mul', [g, b]),
        (g) => ctx.e.op('Mul', [g, a]),
      );
    },
  },
  Div: {
    infer,
    vjp: (ctx) => {
      const { e, node } = ctx;
      const [, b] = node.inputs as [string, string];
      const y = node.outputs[0] as string;
      // d(a/b)/db = -a/b² = -y/b
      return inputGrads(
        ctx,
        (g) => e.op('Div', [g, b]),
        (g) => e.op('Neg', [e.op('Div', [e.op('Mul', [g, y]), b])]),
      );
    },
  },
  Pow: {
    infer: broadcastOf([0, 1], 0),
    vjp: (ctx) => {
      const { e, node } = ctx;
      const [a, p] = node.inputs as [string, string];
      const y = node.outputs[0] as string;
      const dtype = e.dtypeOf(a);
      // the exponent may be an integer tensor (Pow's T1): compute in the base's dtype
      const exponent = e.dtypeOf(p) === dtype ? p : e.op('Cast', [p], { to: attr.int(ONNX_DATA_TYPE[dtype]) });
      const base = (g: string): string =>
        e.op('Mul', [e.op('Mul', [g, exponent]), e.op('Pow', [a, e.op('Sub', [exponent, e.scalarLike(a, 1)])])]);
      const power = (g: string): string => e.op('Mul', [e.op('Mul', [g, y]), e.op('Log', [a])]);
      return inputGrads(ctx, base, power);
    },
  },
};
