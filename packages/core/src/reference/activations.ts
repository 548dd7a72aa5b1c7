import type { HiddenActivation } from '../hf/config.ts';
import type { BottleneckActivation } from '../adapters/bottleneck/bottleneck-spec.ts';
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

/** torch's gelu(approximate="tanh"), Hugging Face's gelu_pytorch_tanh. */
export function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}

export const ACTIVATIONS: Record<BottleneckActivation | HiddenActivation, (x: number) => number> = { gelu, relu, silu, gelu_pytorch_tanh: geluTanh };
