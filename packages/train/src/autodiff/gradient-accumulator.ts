import type { GradEmitter } from './grad-emitter.ts';

/**
 * Gradient contributions per forward value. A value read by several nodes
 * gets one contribution from each; they are summed (Add) when taken, which
 * happens after every consumer's VJP ran (reverse topological order).
 */
export class GradientAccumulator {
  private readonly parts = new Map<string, string[]>();

  constructor(private readonly e: GradEmitter) {}

  add(value: string, grad: string): void {
    const list = this.parts.get(value);
    if (list === undefined) this.parts.set(value, [grad]);
    else list.push(grad);
  }

  /** The summed gradient of a value, or undefined when nothing reached it. */
  take(value: string): string | undefined {
    const list = this.parts.get(value);
    if (list === undefined) return undefined;
    const sum = list.reduce((total, part) => this.e.op('Add', [total, part]));
    this.parts.set(value, [sum]);
    return sum;
  }
}
