import { ONNX_DATA_TYPE, PlugboardError, attr } from '@plugboard/core';
import type { Dim } from '@plugboard/core';
import { normalizeAxis } from '../broadcast-shape.ts';
import type { FactsView, InferContext, OpRule, ValueFacts, VjpContext } from '../op-rule.ts';
import { intAttr, intsAttr } from './infer-helpers.ts';

interface Reduction {
  /** normalized axes that are reduced */
  axes: number[];
  keepdims: boolean;
}

/** The reduced axes: the `axes` input (opset 13+/18+) or attribute; empty means all, unless noop_with_empty_axes. */
function reductionOf(ctx: Pick<InferContext, 'node'>, facts: FactsView, rank: number): Reduction | undefined {
  const { node } = ctx;
  const axesInput = node.inputs[1];
  const given = axesInput !== undefined && axesInput !== '' ? facts.ints(axesInput) : (intsAttr(ctx, 'axes') ?? []);
  if (given === undefined) return undefined;
  const keepdims = intAttr(ctx, 'keepdims', 1) === 1;
  if (given.length === 0) {
    const noop = intAttr(ctx, 'noop_with_empty_axes', 0) === 1;
    return { axes: noop ? [] : Array.from({ length: rank }, (_, i) => i), keepdims };
  }
  return { axes: given.map((a) => normalizeAxis(a, rank)), keepdims };
}

function inferReduce(ctx: InferContext): ValueFacts[] {
  const x = ctx.node.inputs[0] as string;
  const shape = ctx.facts.shape(x);
  const dtype = ctx.facts.dtype(x);
  const reduction = shape === undefined ? undefined : reductionOf(ctx, ctx.facts, shape.length);
  if (shape === undefined || reduction === undefined) return [{ dtype, shape: reducesAllToScalar(ctx) ? [] : undefined }];
  const out: Dim[] = [];
  shape.forEach((d, i) => {
    if (!reduction.axes.includes(i)) out.push(d);
    else if (reduction.keepdims) out.push(1);
  });
  return [{ dtype, shape: out }];
}

/** Reducing every axis without keepdims gives a scalar whatever the input's rank. */
function reducesAllToScalar(ctx: InferContext): boolean {
  const axesInput = ctx.node.inputs[1];
  const noAxes = (axesInput === undefined || axesInput === '') && intsAttr(ctx, 'axes') === undefined;
  return noAxes && intAttr(ctx, 'keepdims', 1) === 0 && intAttr(ctx, 'noop_with_empty_axes', 0) === 0;
}

/** g broadcast back over the reduced axes (re-inserted when keepdims was 0). */
function expandBack(ctx: VjpContext, g: string, reduction: Reduction): string {
  const { e, node } = ctx;
  const x = node.inputs[0] as string;
  if (reduction.axes.length === 0) return g;
  const kept = reduction.keepdims ? g : e.op('Unsqueeze', [g, e.ints(reduction.axes)]);
  return e.op('Expand', [kept, e.shapeOf(x)]);
}

function reductionOrThrow(ctx: VjpContext): Reduction {
  const x = ctx.node.inputs[0] as string;
  const rank = ctx.e.rankOf(x);
  const reduction = rank === undefined ? undefined : reductionOf(ctx, ctx.facts, rank);
  if (reduction === undefined) {
    throw new PlugboardError(
      'GRAPH_INVALID',
      `cannot differentiate ${ctx.node.op} node "${ctx.node.name}": its axes must be a constant and the rank of "${x}" known`,
    );
  }
  return reduction;
}

/** 1 / (number of elements averaged), static when the reduced dims are, else Size(x)/Size(y) at run time. */
function meanScale(ctx: VjpContext, reduction: Reduction): string {
  const { e, node, facts } = ctx;
  const x = node.inputs[0] as string;
  const shape = facts.shape(x) ?? [];
  const dims = reduction.axes.map((a) => shape[a]);
  if (dims.every((d): d is number => typeof d === 'number')) {
    return e.scalarLike(x, 1 / dims.reduce((p, d) => p * d, 1));
  }
  const to = { to: attr.int(ONNX_DATA_TYPE[e.dtypeOf(x)]) };
  return e.op('Div', [e.op('Cast', [e.op('Size', [node.outputs[0] as string])], to), e.op('Cast', [e.op('Size', [x])], to)]);
}

export const REDUCE_RULES: Record<string, OpRule> = {
  ReduceSum: {
    infer: inferReduce,
    vjp: (ctx) => (ctx.needs(0) ? [expandBack(ctx, ctx.grad(), reductionOrThrow(ctx))] : []),
  },
  ReduceMean: {
    infer: inferReduce,
    vjp: (ctx) => {
      if (!ctx.needs(0)) return [];
      const reduction = reductionOrThrow(ctx);
      if (reduction.axes.length === 0) return [ctx.grad()];
      return [expandBack(ctx, ctx.e.op('Mul', [ctx.grad(), meanScale(ctx, reduction)]), reduction)];
    },
  },
};
