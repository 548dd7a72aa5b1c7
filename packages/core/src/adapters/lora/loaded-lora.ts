import type { LoraModule } from './lora-modules.ts';

/** One module's LoRA in the slot layout (lora-tensors.ts): what the bank copies into a slot. */
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

export function loraKey(layer: number, module: LoraModule): string {
  return `${layer}.${module}`;
}
