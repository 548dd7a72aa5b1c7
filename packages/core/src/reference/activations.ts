import type { BottleneckActivation } from '../model/adapter-slots.ts';
import { erf } from './erf.ts';

export function silu(x: number): number {
  return x / (1 + Math.exp(-x));
}

export function relu(x: number): number {
  return x > 0 ? x : 0;
}

/** Exact GELU, x * Phi(x) (not the tanh approximation). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

export const ACTIVATIONS: Record<BottleneckActivation, (x: number) => number> = { gelu, relu, silu };
