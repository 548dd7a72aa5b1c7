import type { BottleneckActivation } from '../model/adapter-slots.ts';
import type { LoadedLora } from './lora/loaded-lora.ts';

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

/**
 * An adapter in the form the bank copies into a slot: already transposed to
 * the graph's layout and scaled, validated, and identified by the sha256 of
 * its weights. Formats (PEFT, ms-swift, ours) all load into this.
 */
export type LoadedAdapter = LoadedLora | LoadedBottleneck;
