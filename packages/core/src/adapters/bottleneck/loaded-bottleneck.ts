import type { BottleneckActivation } from './bottleneck-spec.ts';

/** One layer's bottleneck Adapter in the slot layout (bottleneck-tensors.ts): what the bank copies into a slot. */
export interface BottleneckWeights {
  /** [d, m] */
  down: Float32Array;
  /** [m] */
  downBias: Float32Array;
  /** [m, d] */
  up: Float32Array;
  /** [d] */
  upBias: Float32Array;
}

export interface LoadedBottleneck {
  kind: 'adapter';
  name: string;
  sha256: string;
  width: number;
  activation: BottleneckActivation;
  /** key = layer index */
  weights: Map<number, BottleneckWeights>;
  baseFingerprint: string | null;
}
