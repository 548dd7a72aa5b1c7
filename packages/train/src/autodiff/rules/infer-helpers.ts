import type { DType } from '@plugboard/core';
import { broadcastShapes } from '../broadcast-shape.ts';
import type { InferContext, ValueFacts } from '../op-rule.ts';

/** Output 0 is like input `i` (unary elementwise ops, Identity, Softmax...). */
export const likeInput =
  (i = 0) =>
  ({ node, facts }: InferContext): ValueFacts[] => {
    const input = node.inputs[i] as string;
    return [{ dtype: facts.dtype(input), shape: facts.shape(input) }];
  };

/** Output 0 is the broadcast of the given inputs, with a dtype from input `dtypeFrom` or a fixed one. */
export const broadcastOf =
  (inputs: number[] | 'all', dtype: number | DType = 0) =>
  ({ node, facts, unknownDim }: InferContext): ValueFacts[] => {
    const names = inputs === 'all' ? node.inputs : inputs.map((i) => node.inputs[i] as string);
    const shape = broadcastShapes(
      names.map((n) => facts.shape(n)),
      unknownDim,
    );
    return [{ dtype: typeof dtype === 'number' ? facts.dtype(node.inputs[dtype] as string) : dtype, shape }];
  };

/** An int attribute, or its default. */
export function intAttr(ctx: Pick<InferContext, 'node'>, name: string, fallback: number): number {
  const a = ctx.node.attributes[name];
  return a?.type === 'int' ? a.value : fallback;
}

/** An ints attribute, or undefined. */
export function intsAttr(ctx: Pick<InferContext, 'node'>, name: string): number[] | undefined {
  const a = ctx.node.attributes[name];
  return a?.type === 'ints' ? a.value : undefined;
}

/** A float attribute, or its default. */
export function floatAttr(ctx: Pick<InferContext, 'node'>, name: string, fallback: number): number {
  const a = ctx.node.attributes[name];
  return a?.type === 'float' ? a.value : fallback;
}
