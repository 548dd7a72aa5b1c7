import type { Dim } from '@plugboard/core';
import { normalizeAxis } from '../broadcast-shape.ts';
import type { InferContext, OpRule, ValueFacts } from '../op-rule.ts';
import { broadcastOf, intAttr } from './infer-helpers.ts';

/**
 * Ops gradients do not flow through: their outputs are integers, booleans
 * or constants, so they only need shape inference (masks and index
 * tensors built from them still feed differentiable ops).
 */
function stop(infer: OpRule['infer']): OpRule {
  return { infer, vjp: 'none' };
}

function inferShape(ctx: InferContext): ValueFacts[] {
  const rank = ctx.facts.shape(ctx.node.inputs[0] as string)?.length;
  if (rank === undefined) return [{ dtype: 'int64', shape: [ctx.unknownDim()] }];
  const start = normalizeAxis(intAttr(ctx, 'start', 0), rank);
  const end = ctx.node.attributes.end === undefined ? rank : normalizeAxis(intAttr(ctx, 'end', rank), rank);
  return [{ dtype: 'int64', shape: [Math.max(0, Math.min(end, rank) - Math.max(start, 0))] }];
}

function inferRange(ctx: InferContext): ValueFacts[] {
  const [start, limit, delta] = ctx.node.inputs.map((i) => ctx.facts.ints(i)?.[0]);
  const length =
    start !== undefined && limit !== undefined && delta !== undefined ? Math.max(Math.ceil((limit - start) / delta), 0) : ctx.unknownDim();
  return [{ dtype: ctx.facts.dtype(ctx.node.inputs[0] as string), shape: [length] }];
}

function inferConstantOfShape(ctx: InferContext): ValueFacts[] {
  const shapeInput = ctx.node.inputs[0] as string;
  const value = ctx.node.attributes.value;
  const dtype = value?.type === 'tensor' ? value.value.dtype : 'float32';
  const dims = ctx.facts.ints(shapeInput);
  if (dims !== undefined) return [{ dtype, shape: dims }];
  const rank = ctx.facts.shape(shapeInput)?.[0];
  return [{ dtype, shape: typeof rank === 'number' ? Array.from({ length: rank }, () => ctx.unknownDim()) : undefined }];
}

function inferOneHot(ctx: InferContext): ValueFacts[] {
  const [indices, depth, values] = ctx.node.inputs as [string, string, string];
  const shape = ctx.facts.shape(indices);
  const dtype = ctx.facts.dtype(values);
  if (shape === undefined) return [{ dtype, shape: undefined }];
  const out: Dim[] = [...shape];
  out.splice(normalizeAxis(intAttr(ctx, 'axis', -1), shape.length + 1), 0, ctx.facts.ints(depth)?.[0] ?? ctx.unknownDim());
  return [{ dtype, shape: out }];
}

function inferArgExtremum(ctx: InferContext): ValueFacts[] {
  const shape = ctx.facts.shape(ctx.node.inputs[0] as string);
  if (shape === undefined) return [{ dtype: 'int64', shape: undefined }];
  const axis = normalizeAxis(intAttr(ctx, 'axis', 0), shape.length);
  const keep = intAttr(ctx, 'keepdims', 1) === 1;
  return [{ dtype: 'int64', shape: shape.flatMap((d, i) => (i !== axis ? [d] : keep ? [1] : [])) }];
}

function inferConstant(ctx: InferContext): ValueFacts[] {
  const { value, value_float, value_int, value_floats, value_ints } = ctx.node.attributes;
  if (value?.type === 'tensor') return [{ dtype: value.value.dtype, shape: value.value.dims }];
  if (value_float !== undefined) return [{ dtype: 'float32', shape: [] }];
  if (value_int !== undefined) return [{ dtype: 'int64', shape: [] }];
  if (value_floats?.type === 'floats') return [{ dtype: 'float32', shape: [value_floats.value.length] }];
  if (value_ints?.type === 'ints') return [{ dtype: 'int64', shape: [value_ints.value.length] }];
  return [{ dtype: undefined, shape: undefined }];
}

const comparison = stop(broadcastOf([0, 1], 'bool'));

export const NON_DIFFERENTIABLE_RULES: Record<string, OpRule> = {
  Shape: stop(inferShape),
  Size: stop(() => [{ dtype: 'int64', shape: [] }]),
  Equal: comparison,
  Less: comparison,
  LessOrEqual: comparison,
  Greater: comparison,
  GreaterOrEqual: comparison,
  And: comparison,
  Or: comparison,
  Not: stop(({ node, facts }) => [{ dtype: 'bool', shape: facts.shape(node.inputs[0] as string) }]),
  Range: stop(inferRange),
  ConstantOfShape: stop(inferConstantOfShape),
  OneHot: stop(inferOneHot),
  ArgMax: stop(inferArgExtremum),
  ArgMin: stop(inferArgExtremum),
  Constant: stop(inferConstant),
};
