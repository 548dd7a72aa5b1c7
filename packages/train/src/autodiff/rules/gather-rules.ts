import { ONNX_DATA_TYPE, PlugboardError, attr } from '@plugboard/core';
import type { Dim } from '@plugboard/core';
import { normalizeAxis } from '../broadcast-shape.ts';
import type { InferContext, OpRule, ValueFacts, VjpContext } from '../op-rule.ts';
import { intAttr } from './infer-helpers.ts';

function inferGather(ctx: InferContext): ValueFacts[] {
  const [data, indices] = ctx.node.inputs as [string, string];
  const dtype = ctx.facts.dtype(data);
  const shape = ctx.facts.shape(data);
  const q = ctx.facts.shape(indices);
  if (shape === undefined || q === undefined) return [{ dtype, shape: undefined }];
  const axis = normalizeAxis(intAttr(ctx, 'axis', 0), shape.length);
  return [{ dtype, shape: [...shape.slice(0, axis), ...q, ...shape.slice(axis + 1)] as Dim[] }];
}

function int64Indices(ctx: VjpContext, indices: string): string {
  return ctx.facts.dtype(indices) === 'int64' ? indices : ctx.e.op('Cast', [indices], { to: attr.int(ONNX_DATA_TYPE.int64) });
}

/**
 * dData of Gather: the gradient rows scattered (added) back where they were
 * read, so a token seen twice gets both rows. ScatterElements, not ScatterND:
 * ORT's CPU ScatterND splits the updates over threads, so with
 * reduction="add" two threads adding to the same row race and one loses
 * (onnxruntime#18048; measured: the embedding rows of the most frequent
 * tokens, 2 % of their gradient gone on a batch of 4,096 tokens). ScatterElements
 * runs sequentially. The indices' axes are flattened into the gathered axis
 * (grad → data[:axis] + [Q] + data[axis+1:]) and the indices broadcast over
 * the other axes, as ScatterElements wants indices the shape of the updates.
 */
function vjpGather(ctx: VjpContext): (string | undefined)[] {
  if (!ctx.needs(0)) return [];
  const { node, e, facts } = ctx;
  const [data, indices] = node.inputs as [string, string];
  const rank = facts.shape(data)?.length;
  if (rank === undefined) {
    throw new PlugboardError('GRAPH_INVALID', `cannot differentiate Gather node "${node.name}": the rank of its data must be known`);
  }
  const axis = normalizeAxis(intAttr(ctx, 'axis', 0), rank);
  const dataShape = e.shapeOf(data);
  const around = (from: number, to: number) => e.op('Slice', [dataShape, e.ints([from]), e.ints([to])]);
  const flatShape = e.op('Concat', [around(0, axis), e.ints([-1]), around(axis + 1, rank)], { axis: attr.int(0) });
  const updates = e.op('Reshape', [ctx.grad(), flatShape]);
  const alongAxis = Array.from({ length: rank }, (_, i) => (i === axis ? -1 : 1));
  const flatIndices = e.op('Reshape', [int64Indices(ctx, indices), e.ints(alongAxis)]);
  const spread = e.op('Expand', [flatIndices, e.op('Shape', [updates])]);
  return [e.op('ScatterElements', [e.zerosLike(data), spread, updates], { axis: attr.int(axis), reduction: attr.string('add') })];
}

export const GATHER_RULES: Record<string, OpRule> = {
  Gather: { infer: inferGather, vjp: vjpGather },
  GatherElements: {
    infer: ({ node, facts }) => [{ dtype: facts.dtype(node.inputs[0] as string), shape: facts.shape(node.inputs[1] as string) }],
    vjp: (ctx) => {
      if (!ctx.needs(0)) return [];
      const { node, e } = ctx;
      const [data, indices] = node.inputs as [string, string];
      const scatter = { axis: attr.int(intAttr(ctx, 'axis', 0)), reduction: attr.string('add') };
      return [e.op('ScatterElements', [e.zerosLike(data), int64Indices(ctx, indices), ctx.grad()], scatter)];
    },
  },
};
