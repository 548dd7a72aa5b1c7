import { attr } from '@plugboard/core';
import type { OpRule, VjpContext } from '../op-rule.ts';
import { intAttr, likeInput } from './infer-helpers.ts';

/** Sum over the softmax axis, kept as a size-1 axis so it broadcasts back. */
function sumOverAxis(ctx: VjpContext, value: string): string {
  return ctx.e.op('ReduceSum', [value, ctx.e.ints([intAttr(ctx, 'axis', -1)])], { keepdims: attr.int(1) });
}

/** A rule whose input gradient is a function of the output y and its gradient g. */
function fromOutput(dx: (ctx: VjpContext, y: string, g: string) => string): OpRule {
  return {
    infer: likeInput(0),
    vjp: (ctx) => (ctx.needs(0) ? [dx(ctx, ctx.node.outputs[0] as string, ctx.grad())] : []),
  };
}

export const SOFTMAX_RULES: Record<string, OpRule> = {
  // dx = y · (g − Σ g·y)
  Softmax: fromOutput((ctx, y, g) => ctx.e.op('Mul', [y, ctx.e.op('Sub', [g, sumOverAxis(ctx, ctx.e.op('Mul', [g, y]))])])),
  // dx = g − exp(y) · Σ g
  LogSoftmax: fromOutput((ctx, y, g) => ctx.e.op('Sub', [g, ctx.e.op('Mul', [ctx.e.op('Exp', [y]), sumOverAxis(ctx, g)])])),
};
