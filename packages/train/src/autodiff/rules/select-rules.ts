import type { OpRule, VjpContext } from '../op-rule.ts';
import { broadcastOf } from './infer-helpers.ts';

/** Where(c, a, b): a's gradient where c holds, b's elsewhere; each un-broadcast to its input. */
function vjpWhere(ctx: VjpContext): (string | undefined)[] {
  const { node, e, facts } = ctx;
  const [cond, a, b] = node.inputs as [string, string, string];
  const yShape = facts.shape(node.outputs[0] as string);
  const zero = e.scalarLike(a, 0);
  const pick = (i: number, x: string, y: string, target: string): string | undefined =>
    ctx.needs(i) ? e.sumToShape(e.op('Where', [cond, x, y]), yShape, target) : undefined;
  return [undefined, pick(1, ctx.grad(), zero, a), pick(2, zero, ctx.grad(), b)];
}

/** Elementwise Max/Min: each input gets the gradient where it is the one selected (ties: every tied input). */
function vjpExtremum(ctx: VjpContext): (string | undefined)[] {
  const { node, e, facts } = ctx;
  const y = node.outputs[0] as string;
  return node.inputs.map((x, i) => {
    if (!ctx.needs(i)) return undefined;
    const selected = e.op('Where', [e.op('Equal', [y, x]), ctx.grad(), e.scalarLike(x, 0)]);
    return e.sumToShape(selected, facts.shape(y), x);
  });
}

export const SELECT_RULES: Record<string, OpRule> = {
  Where: { infer: broadcastOf('all', 1), vjp: vjpWhere },
  Max: { infer: broadcastOf('all'), vjp: vjpExtremum },
  Min: { infer: broadcastOf('all'), vjp: vjpExtremum },
};
