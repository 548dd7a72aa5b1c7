import { attr } from '@plugboard/core';
import type { Attribute, Dim, DType, GraphBuilder } from '@plugboard/core';
import { isStatic, normalizeAxis } from './broadcast-shape.ts';
import type { FactsView } from './op-rule.ts';
import { floatBytes } from './typed-bytes.ts';

/**
 * Emits backward ops into the builder that holds the forward graph, with the
 * small constructions VJP rules share (shapes as tensors, zeros, sum-to-shape).
 * A shape is a constant when shape inference knows it, else read at run time.
 */
export class GradEmitter {
  private constantCount = 0;

  constructor(
    private readonly b: GraphBuilder,
    private readonly facts: FactsView,
  ) {}

  op(op: string, inputs: string[], attributes: Record<string, Attribute> = {}): string {
    return this.b.op1(op, inputs, attributes);
  }

  ops(op: string, inputs: string[], attributes: Record<string, Attribute>, outputs: number): string[] {
    return this.b.op(op, inputs, attributes, { outputs });
  }

  /** Runs fn with node names prefixed, so backward nodes show which forward node they belong to. */
  scope<T>(prefix: string, fn: () => T): T {
    return this.b.scope(prefix, fn);
  }

  /** A float constant in the dtype it will meet (dims [] by default: it broadcasts). */
  floats(dtype: DType, values: number[], dims: number[] = []): string {
    let name = `grad/const_${this.constantCount++}`;
    while (this.b.has(name)) name = `grad/const_${this.constantCount++}`;
    return this.b.initializer(name, dtype, dims, floatBytes(dtype, values));
  }

  /** A float constant of rank 0 in the dtype of `like`. */
  scalarLike(like: string, value: number): string {
    return this.floats(this.dtypeOf(like), [value]);
  }

  ints(values: number[]): string {
    return this.b.constant('int64', values);
  }

  dtypeOf(value: string): DType {
    return this.facts.dtype(value) ?? 'float32';
  }

  /** The rank of a forward value; rules that build permutations need it. */
  rankOf(value: string): number | undefined {
    return this.facts.shape(value)?.length;
  }

  /** The shape of a forward value as an int64 tensor. */
  shapeOf(value: string): string {
    const shape = this.facts.shape(value);
    return isStatic(shape) ? this.ints(shape) : this.op('Shape', [value]);
  }

  /** The size of one axis of a forward value as an int64 [1] tensor. */
  dimOf(value: string, axis: number): string {
    const shape = this.facts.shape(value);
    const dim = shape === undefined ? undefined : shape[normalizeAxis(axis, shape.length)];
    if (typeof dim === 'number') return this.ints([dim]);
    // Shape's `end` is exclusive, and a -1 axis runs to the end: no `end` then
    const range: Record<string, Attribute> = axis === -1 ? { start: attr.int(axis) } : { start: attr.int(axis), end: attr.int(axis + 1) };
    return this.op('Shape', [value], range);
  }

  /** Zeros with the shape and dtype of a forward value. */
  zerosLike(value: string): string {
    const dtype = this.dtypeOf(value);
    const zero = { name: 'value', dtype, dims: [1], data: floatBytes(dtype, [0]) };
    return this.op('ConstantOfShape', [this.shapeOf(value)], { value: attr.tensor(zero) });
  }

  /** Swaps the last two axes (a matrix transpose of every matrix in a batch). */
  transposeLast2(value: string, rank: number): string {
    const perm = Array.from({ length: rank }, (_, i) => i);
    perm[rank - 2] = rank - 1;
    perm[rank - 1] = rank - 2;
    return this.op('Transpose', [value], { perm: attr.ints(perm) });
  }

  /**
   * Sums a gradient of shape `gradShape` down to the shape of the forward
   * value `target` (undoes broadcasting). Static when every broadcast axis
   * is known; otherwise the reduced axes are found at run time, from the
   * Shape of both sides.
   */
  sumToShape(grad: string, gradShape: Dim[] | undefined, target: string): string {
    const targetShape = this.facts.shape(target);
    if (gradShape === undefined || targetShape === undefined) return this.sumToShapeAtRunTime(grad, target);
    if (sameShape(gradShape, targetShape)) return grad;
    const axes = broadcastAxes(gradShape, targetShape);
    if (axes === undefined) return this.sumToShapeAtRunTime(grad, target);
    const summed = axes.length === 0 ? grad : this.op('ReduceSum', [grad, this.ints(axes)], { keepdims: attr.int(1) });
    return gradShape.length === targetShape.length ? summed : this.op('Reshape', [summed, this.shapeOf(target)]);
  }

  /**
   * The run-time sum-to-shape: left-pad the target shape with ones to the
   * gradient's rank, reduce (keepdims) every axis where it is 1, reshape.
   * `noop_with_empty_axes` keeps "nothing to reduce" from meaning "reduce all".
   */
  private sumToShapeAtRunTime(grad: string, target: string): string {
    const gradShape = this.op('Shape', [grad]);
    const targetShape = this.op('Shape', [target]);
    const missing = this.op('Sub', [this.op('Shape', [gradShape]), this.op('Shape', [targetShape])]);
    const one = { name: 'value', dtype: 'int64' as const, dims: [1], data: new Uint8Array(new BigInt64Array([1n]).buffer) };
    const padded = this.op('Concat', [this.op('ConstantOfShape', [missing], { value: attr.tensor(one) }), targetShape], { axis: attr.int(0) });
    const rank = this.op('Size', [gradShape]);
    const all = this.op('Range', [this.op('Squeeze', [this.ints([0])]), rank, this.op('Squeeze', [this.ints([1])])]);
    const axes = this.op('Compress', [all, this.op('Equal', [padded, this.ints([1])])], { axis: attr.int(0) });
    const summed = this.op('ReduceSum', [grad, axes], { keepdims: attr.int(1), noop_with_empty_axes: attr.int(1) });
    return this.op('Reshape', [summed, targetShape]);
  }
}

function sameShape(a: Dim[], b: Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The axes of `gradShape` that broadcasting created, or undefined when a symbolic dim leaves it open. */
function broadcastAxes(gradShape: Dim[], targetShape: Dim[]): number[] | undefined {
  const offset = gradShape.length - targetShape.length;
  if (offset < 0) return undefined;
  const axes: number[] = [];
  for (let i = 0; i < gradShape.length; i++) {
    const t = i < offset ? 1 : targetShape[i - offset];
    const g = gradShape[i];
    if (t === g) continue;
    if (t !== 1) return undefined;
    axes.push(i);
  }
  return axes;
}
