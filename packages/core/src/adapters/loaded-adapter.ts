import type { BottleneckActivation } from '../model/adapter-slots.ts';
import type { LoraModule } from './lora/lora-modules.ts';

/**
 * An adapter in the form the bank copies into a slot: already transposed to
 * the graph's layout and scaled, validated, and identified by the sha256 of
 * its weights. Formats (PEFT, ms-swift, ours) all load into this.
 */
export interface LoraWeights {
  /** [in, r] row-major (PEFT's lora_A [r, in], transposed) */
  a: Float32Array;
  /** [r, out] row-major (PEFT's lora_B [out, r], transposed), pre-multiplied by the scaling (alpha/r or alpha/√r) */
  b: Float32Array;
  rank: number;
  inFeatures: number;
  outFeatures: number;
}

export interface LoadedLora {
  kind: 'lora';
  name: string;
  /** sha256 (hex) of the adapter's weights as stored: same name, new weights = new adapter */
  sha256: string;
  /** largest rank over its modules (rank_pattern may vary it) */
  rank: number;
  layers: number[];
  modules: LoraModule[];
  /** key `${layer}.${module}` */
  weights: Map<string, LoraWeights>;
  /** fingerprint of the base weights it was trained on, when known */
  baseFingerprint: string | null;
}

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

export type LoadedAdapter = LoadedLora | LoadedBottleneck;

export function loraKey(layer: number, module: LoraModule): string {
  return `${layer}.${module}`;
}
