import { PlugboardError, attr } from '@plugboard/core';
import type { Dim } from '@plugboard/core';
import { isStatic, normalizeAxis } from '../broadcast-shape.ts';
import type { InferContext, OpRule, ValueFacts, VjpContext } from '../op-rule.ts';
import { intAttr, intsAttr } from './infer-helpers.ts';

function sumDims(dims: (Dim | undefined)[], unknownDim: () => string): Dim {
  return dims.every((d): d is number => typeof d === 'number') ? dims.reduce((p, d) => p + d, 0) : unknownDim();
}

function inferConcat(ctx: InferContext): ValueFacts[] {
  const shapes = ctx.node.inputs.map((i) => ctx.facts.shape(i));
  const dtype = ctx.facts.dtype(ctx.node.inputs[0] as string);
  const first = shapes[0];
  if (first === undefined) return [{ dtype, shape: undefined }];
  const axis = normalizeAxis(intAttr(ctx, 'axis', 0), first.length);
  const shape = [...first];
  shape[axis] = sumDims(
    shapes.map((s) => s?.[axis]),
    ctx.unknownDim,
  );
  return [{ dtype, shape }];
}

/** The sizes of Split's outputs along its axis: the `split` input, else equal parts (the last one smaller). */
function splitSizes(ctx: InferContext, dim: Dim | undefined): number[] | undefined {
  const splitInput = ctx.node.inputs[1];
  if (splitInput !== undefined && splitInput !== '') return ctx.facts.ints(splitInput);
  const given = intsAttr(ctx, 'split');
  if (given !== undefined) return given;
  if (typeof dim !== 'number') return undefined;
  const parts = ctx.node.outputs.length;
  const size = Math.ceil(dim / parts);
  return Array.from({ length: parts }, (_, i) => Math.min(size, dim - i * size));
}

function inferSplit(ctx: InferContext): ValueFacts[] {
  const x = ctx.node.inputs[0] as string;
  const dtype = ctx.facts.dtype(x);
  const shape = ctx.facts.shape(x);
  if (shape === undefined) return ctx.node.outputs.map(() => ({ dtype, shape: undefined }));
  const axis = normalizeAxis(intAttr(ctx, 'axis', 0), shape.length);
  const sizes = splitSizes(ctx, shape[axis]);
  return ctx.node.outputs.map((_, i) => {
    const out = [...shape];
    out[axis] = sizes?.[i] ?? ctx.unknownDim();
    return { dtype, shape: out };
  });
}

interface SliceSpec {
  starts: number[];
  ends: number[];
  axes: number[];
  steps: number[];
}

function sliceSpec(ctx: Pick<InferContext, 'node' | 'facts'>, rank: number): SliceSpec | undefined {
  const [, s, e, a, st] = ctx.node.inputs;
  const read = (name: string | undefined): number[] | undefined | null => (name === undefined || name === '' ? null : ctx.facts.ints(name));
  const starts = read(s);
  const ends = read(e);
  const axes = read(a);
  const steps = read(st);
  if (!starts || !ends || axes === undefined || steps === undefined) return undefined;
  return {
    starts,
    ends,
    axes: (axes ?? starts.map((_, i) => i)).map((x) => normalizeAxis(x, rank)),
    steps: steps ?? starts.map(() => 1),
  };
}

/** [begin, end) that a Slice keeps on an axis of size dim (ONNX clamps out-of-range starts and ends). */
function sliceRange(start: number, end: number, dim: number): [number, number] {
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
  const begin = clamp(start);
  return [begin, Math.max(begin, clamp(end))];
}

function inferSlice(ctx: InferContext): ValueFacts[] {
  const x = ctx.node.inputs[0] as string;
  const dtype = ctx.facts.dtype(x);
  const shape = ctx.facts.shape(x);
  const spec = shape === undefined ? undefined : sliceSpec(ctx, shape.length);
  if (shape === undefined) return [{ dtype, shape: undefined }];
  const out: Dim[] = [...shape];
  if (spec === undefined) return [{ dtype, shape: out.map(() => ctx.unknownDim()) }];
  spec.axes.forEach((axis, i) => {
    const dim = shape[axis];
    const step = spec.steps[i] as number;
    if (typeof dim !== 'number' || step !== 1) {
      out[axis] = ctx.unknownDim();
      return;
    }
    const [begin, end] = sliceRange(spec.starts[i] as number, spec.ends[i] as number, dim);
    out[axis] = end - begin;
  });
  return [{ dtype, shape: out }];
}

/** dx of a unit-step Slice: the gradient padded with zeros back to the input's extent. */
function vjpSlice(ctx: VjpContext): (string | undefined)[] {
  if (!ctx.needs(0)) return [];
  const { node, facts, e } = ctx;
  const x = node.inputs[0] as string;
  const shape = facts.shape(x);
  const spec = shape === undefined ? undefined : sliceSpec(ctx, shape.length);
  const fail = (why: string): never => {
    throw new PlugboardError('GRAPH_INVALID', `cannot differentiate Slice node "${node.name}": ${why}`);
  };
  if (shape === undefined || spec === undefined) return fail('its starts/ends/axes/steps must be constants and the input rank known');
  const pads = new Array<number>(2 * shape.length).fill(0);
  spec.axes.forEach((axis, i) => {
    const dim = shape[axis];
    if (spec.steps[i] !== 1) fail(`only unit steps are supported, got ${spec.steps[i]}`);
    if (typeof dim !== 'number') fail(`the size of sliced axis ${axis} of "${x}" must be static`);
    const [begin, end] = sliceRange(spec.starts[i] as number, spec.ends[i] as number, dim as number);
    pads[axis] = begin;
    pads[shape.length + axis] = (dim as number) - end;
  });
  return [e.op('Pad', [ctx.grad(), e.ints(pads)])];
}

export const SLICING_RULES: Record<string, OpRule> = {
  Concat: {
    infer: inferConcat,
    vjp: (ctx) => {
      const { node, e, facts } = ctx;
      const rank = e.rankOf(node.inputs[0] as string);
      if (rank === undefined) throw new PlugboardError('GRAPH_INVALID', `cannot differentiate Concat node "${node.name}": input ranks are unknown`);
      const axis = normalizeAxis(intAttr(ctx, 'axis', 0), rank);
      const dims = node.inputs.map((i) => facts.shape(i)?.[axis]);
      const sizes = isStatic(dims as Dim[]) ? e.ints(dims as number[]) : e.op('Concat', node.inputs.map((i) => e.dimOf(i, axis)), { axis: attr.int(0) });
      const parts = e.ops('Split', [ctx.grad(), sizes], { axis: attr.int(axis) }, node.inputs.length);
      return parts.map((part, i) => (ctx.needs(i) ? part : undefined));
    },
  },
  Split: {
    infer: inferSplit,
    vjp: (ctx) => {
      if (!ctx.needs(0)) return [];
      // outputs without a gradient contribute zeros (grad(i) gives them)
      const grads = ctx.node.outputs.map((_, i) => ctx.grad(i));
      return [ctx.e.op('Concat', grads, { axis: attr.int(intAttr(ctx, 'axis', 0)) })];
    },
  },
  Slice: { infer: inferSlice, vjp: vjpSlice },
};
