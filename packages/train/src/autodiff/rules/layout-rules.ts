import { ONNX_DATA_TYPE, attr } from '@plugboard/core';
import type { Dim } from '@plugboard/core';
import { broadcastShapes, isStatic, normalizeAxis } from '../broadcast-shape.ts';
import { dtypeOfOnnx } from '../onnx-dtype.ts';
import type { InferContext, OpRule, ValueFacts, VjpContext } from '../op-rule.ts';
import { intAttr, intsAttr, likeInput } from './infer-helpers.ts';

/** Ops that only move or copy elements: the gradient is reshaped back to the input's shape. */
const reshapeBack = (ctx: VjpContext): (string | undefined)[] => {
  const x = ctx.node.inputs[0] as string;
  return ctx.needs(0) ? [ctx.e.op('Reshape', [ctx.grad(), ctx.e.shapeOf(x)])] : [];
};

function input(ctx: InferContext, i: number): { dtype: ValueFacts['dtype']; shape: Dim[] | undefined } {
  const name = ctx.node.inputs[i] as string;
  return { dtype: ctx.facts.dtype(name), shape: ctx.facts.shape(name) };
}

function inferReshape(ctx: InferContext): ValueFacts[] {
  const { dtype, shape: inShape } = input(ctx, 0);
  const target = ctx.facts.ints(ctx.node.inputs[1] as string);
  if (target === undefined) {
    const length = ctx.facts.shape(ctx.node.inputs[1] as string)?.[0];
    return [{ dtype, shape: typeof length === 'number' ? Array.from({ length }, () => ctx.unknownDim()) : undefined }];
  }
  const allowZero = intAttr(ctx, 'allowzero', 0) === 1;
  const dims: Dim[] = target.map((d, i) => (d === 0 && !allowZero ? (inShape?.[i] ?? ctx.unknownDim()) : d));
  const inferred = dims.indexOf(-1);
  if (inferred >= 0) {
    const known = dims.filter((_, i) => i !== inferred);
    dims[inferred] = isStatic(inShape) && isStatic(known) ? product(inShape) / product(known) : ctx.unknownDim();
  }
  return [{ dtype, shape: dims }];
}

function product(dims: number[]): number {
  return dims.reduce((p, d) => p * d, 1);
}

function inferFlatten(ctx: InferContext): ValueFacts[] {
  const { dtype, shape } = input(ctx, 0);
  if (shape === undefined) return [{ dtype, shape: undefined }];
  const axis = normalizeAxis(intAttr(ctx, 'axis', 1), shape.length);
  const side = (dims: Dim[]): Dim => (isStatic(dims) ? product(dims) : ctx.unknownDim());
  return [{ dtype, shape: [side(shape.slice(0, axis)), side(shape.slice(axis))] }];
}

function axesOf(ctx: InferContext): number[] | undefined {
  const axesInput = ctx.node.inputs[1];
  return axesInput !== undefined && axesInput !== '' ? ctx.facts.ints(axesInput) : intsAttr(ctx, 'axes');
}

function inferUnsqueeze(ctx: InferContext): ValueFacts[] {
  const { dtype, shape } = input(ctx, 0);
  const axes = axesOf(ctx);
  if (shape === undefined || axes === undefined) return [{ dtype, shape: undefined }];
  const rank = shape.length + axes.length;
  const inserted = new Set(axes.map((a) => normalizeAxis(a, rank)));
  const rest = [...shape];
  return [{ dtype, shape: Array.from({ length: rank }, (_, i) => (inserted.has(i) ? 1 : (rest.shift() as Dim))) }];
}

function inferSqueeze(ctx: InferContext): ValueFacts[] {
  const { dtype, shape } = input(ctx, 0);
  const axes = axesOf(ctx);
  if (shape === undefined) return [{ dtype, shape: undefined }];
  if (axes === undefined) {
    // no axes: every size-1 dim goes, which only a static shape can tell
    return [{ dtype, shape: shape.every((d) => typeof d === 'number') ? shape.filter((d) => d !== 1) : undefined }];
  }
  const removed = new Set(axes.map((a) => normalizeAxis(a, shape.length)));
  return [{ dtype, shape: shape.filter((_, i) => !removed.has(i)) }];
}

function permOf(ctx: Pick<InferContext, 'node'>, rank: number): number[] {
  return intsAttr(ctx, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
}

function inferTranspose(ctx: InferContext): ValueFacts[] {
  const { dtype, shape } = input(ctx, 0);
  return [{ dtype, shape: shape === undefined ? undefined : permOf(ctx, shape.length).map((p) => shape[p] as Dim) }];
}

function inferExpand(ctx: InferContext): ValueFacts[] {
  const { dtype, shape } = input(ctx, 0);
  const target = ctx.facts.ints(ctx.node.inputs[1] as string);
  return [{ dtype, shape: target === undefined ? undefined : broadcastShapes([shape, target], ctx.unknownDim) }];
}

function inferCast(ctx: InferContext): ValueFacts[] {
  return [{ dtype: dtypeOfOnnx(intAttr(ctx, 'to', 1)), shape: input(ctx, 0).shape }];
}

const isFloat = (dtype: ValueFacts['dtype']): boolean => dtype === 'float32' || dtype === 'float64' || dtype === 'float16';

export const LAYOUT_RULES: Record<string, OpRule> = {
  Reshape: { infer: inferReshape, vjp: reshapeBack },
  Flatten: { infer: inferFlatten, vjp: reshapeBack },
  Unsqueeze: { infer: inferUnsqueeze, vjp: reshapeBack },
  Squeeze: { infer: inferSqueeze, vjp: reshapeBack },
  Transpose: {
    infer: inferTranspose,
    vjp: (ctx) => {
      if (!ctx.needs(0)) return [];
      const perm = permOf(ctx, ctx.e.rankOf(ctx.node.inputs[0] as string) ?? intsAttr(ctx, 'perm')?.length ?? 0);
      const inverse = perm.map((_, i) => perm.indexOf(i));
      return [ctx.e.op('Transpose', [ctx.grad()], { perm: attr.ints(inverse) })];
    },
  },
  Expand: {
    infer: inferExpand,
    vjp: (ctx) => {
      if (!ctx.needs(0)) return [];
      const y = ctx.node.outputs[0] as string;
      return [ctx.e.sumToShape(ctx.grad(), ctx.facts.shape(y), ctx.node.inputs[0] as string)];
    },
  },
  // float → float casts pass the gradient back in the input's dtype; anything else has none
  Cast: {
    infer: inferCast,
    vjp: (ctx) => {
      const x = ctx.node.inputs[0] as string;
      const from = ctx.facts.dtype(x);
      if (!ctx.needs(0) || !isFloat(from) || !isFloat(ctx.facts.dtype(ctx.node.outputs[0] as string))) return [];
      return [ctx.e.op('Cast', [ctx.grad()], { to: attr.int(ONNX_DATA_TYPE[from ?? 'float32']) })];
    },
  },
  // a triangle mask is linear: the gradient keeps the same triangle
  Trilu: {
    infer: likeInput(0),
    vjp: (ctx) => {
      if (!ctx.needs(0)) return [];
      const [, k] = ctx.node.inputs;
      const inputs = k === undefined || k === '' ? [ctx.grad()] : [ctx.grad(), k];
      return [ctx.e.op('Trilu', inputs, { upper: attr.int(intAttr(ctx, 'upper', 1)) })];
    },
  },
};
