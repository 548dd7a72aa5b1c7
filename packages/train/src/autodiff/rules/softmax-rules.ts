import { attr } from '@plugboard/core';
import type { OpRule, VjpContext } from '../op-rule.ts';
import { intAttr, likeInput } from './infer-helpers.ts';

/** Sum over the softmax axis, kept as a size-1 axis so it broadcasts back. */
function sumOverAxis(ctx: VjpContext, value: string): string {
  return ctx.e.op('ReduceSum', [value, ctx.e.ints([intAttr(ctx, 'axis', -1)])], { keepdims: attr.int(1) });
}

export const SOFTMAX_RULES: Record<string, OpRule> = {
  // dx = y · (g − Σ g·y)
  Softmax: {
    infer: likeInput(0),
    vjp: (ctx) => {
      if (!ctx.needs(0)) return [];
      const { e } = ctx;
      const y = ctx.node.outputs[0] as string;
      const g = ctx.grad();
      return [e.op('Mul', [y, e.op('Sub', [g, sumOverAxis(ctx, e.op('Mul', [g, y]))])])];
    },
  },
  // dx = g − exp(y) · Σ g
  LogSoftmax: {
    infer: likeInput(0),
    vjp: (ctx) => {
      if (!ctx.needs(0)) return [];
      const { e } = ctx;
      const y = ctx.node.outputs[0] as string;
      const g = ctx.grad();
      return [e.op('Sub', [g, e.op('Mul', [e.op('Exp', [y]), sumOverAxis(ctx, g)])])];
    },
  },
};
