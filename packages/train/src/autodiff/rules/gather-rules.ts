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
 * read, so a token seen twice gets both rows. ScatterND writes along leading
 * axes, so for axis > 0 the gathered axis is moved to the front and back.
 */
function vjpGather(ctx: VjpContext): (string | undefined)[] {
  if (!ctx.needs(0)) return [];
  const { node, e, facts } = ctx;
  const [data, indices] = node.inputs as [string, string];
  const rank = facts.shape(data)?.length;
  const q = facts.shape(indices)?.length;
  if (rank === undefined || q === undefined) {
    throw new PlugboardError('GRAPH_INVALID', `cannot differentiate Gather node "${node.name}": the ranks of its data and indices must be known`);
  }
  const axis = normalizeAxis(intAttr(ctx, 'axis', 0), rank);
  const index = e.op('Unsqueeze', [int64Indices(ctx, indices), e.ints([-1])]);
  if (axis === 0) {
    return [e.op('ScatterND', [e.zerosLike(data), index, ctx.grad()], { reduction: attr.string('add') })];
  }
  const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
  const gradPerm = [...range(axis, axis + q), ...range(0, axis), ...range(axis + q, rank - 1 + q)];
  const dataPerm = [axis, ...range(0, axis), ...range(axis + 1, rank)];
  const inverse = dataPerm.map((_, i) => dataPerm.indexOf(i));
  const zeros = e.op('Transpose', [e.zerosLike(data)], { perm: attr.ints(dataPerm) });
  const updates = e.op('Transpose', [ctx.grad()], { perm: attr.ints(gradPerm) });
  const scattered = e.op('ScatterND', [zeros, index, updates], { reduction: attr.string('add') });
  return [e.op('Transpose', [scattered], { perm: attr.ints(inverse) })];
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
