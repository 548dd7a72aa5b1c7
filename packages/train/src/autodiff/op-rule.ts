import type { Dim, DType, Node } from '@plugboard/core';
import type { GradEmitter } from './grad-emitter.ts';

/** What shape inference knows about one value: undefined means "not known statically". */
export interface ValueFacts {
  dtype: DType | undefined;
  /** dims are numbers or symbols; undefined when even the rank is unknown */
  shape: Dim[] | undefined;
}

/** Read-only view of what the graph's values are, as the rules need it. */
export interface FactsView {
  dtype(value: string): DType | undefined;
  shape(value: string): Dim[] | undefined;
  /** the values of a constant integer tensor (initializer, Constant node, folded Shape) */
  ints(value: string): number[] | undefined;
}

export interface InferContext {
  node: Node;
  facts: FactsView;
  /** a fresh symbolic dim for a size shape inference cannot know */
  unknownDim(): string;
}

export interface VjpContext {
  node: Node;
  e: GradEmitter;
  facts: FactsView;
  /** whether input i needs a gradient (it leads to a `wrt` value) */
  needs(input: number): boolean;
  /** the gradient of output i (zeros when that output received none) */
  grad(output?: number): string;
}

/** Per input: its gradient, or undefined where none is needed or defined. */
export type VjpRule = (ctx: VjpContext) => (string | undefined)[];

/**
 * One entry per op: how to infer its outputs, and how to pull gradients
 * back through it. `vjp: 'none'` marks a non-differentiable op, where
 * gradients stop (its outputs are integer, boolean or piecewise constant).
 */
export interface OpRule {
  infer: (ctx: InferContext) => ValueFacts[];
  vjp: VjpRule | 'none';
}
