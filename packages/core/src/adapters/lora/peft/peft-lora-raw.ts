import type { LoraModule } from '../lora-modules.ts';
import type { PeftLoraConfig, PeftLoraConfigInput } from './peft-lora-config.ts';

/** One module's LoRA pair exactly as PEFT stores it: unscaled, untransposed. */
export interface PeftLoraPair {
  /** lora_A [rank, in] row-major */
  a: Float32Array;
  /** lora_B [out, rank] row-major */
  b: Float32Array;
  rank: number;
  inFeatures: number;
  outFeatures: number;
}

/**
 * What the PEFT writer takes: a config and the raw pairs. A trained adapter
 * (see peftLoraConfigFor) and a PeftLoraRaw read from disk both fit, so
 * whatever we read we can write back unchanged.
 */
export interface PeftLoraSource {
  config: PeftLoraConfigInput;
  /** key `${layer}.${module}` (loraKey) */
  weights: ReadonlyMap<string, PeftLoraPair>;
  /** fingerprint of the base weights, kept in the safetensors metadata */
  baseFingerprint?: string | null;
}

/** A PEFT LoRA folder as read: the parsed config, the raw pairs, and its identity. */
export interface PeftLoraRaw extends PeftLoraSource {
  name: string;
  config: PeftLoraConfig;
  weights: Map<string, PeftLoraPair>;
  /** sha256 of adapter_model.safetensors */
  sha256: string;
  baseFingerprint: string | null;
  layers: number[];
  modules: LoraModule[];
}
