import { openWeights, readModelConfig } from '@plugboard/core';
import type { ModelConfig } from '@plugboard/core';

/** The base model a skill is checked against: its architecture and, when known, its weights fingerprint. */
export interface BaseModelRef {
  config: ModelConfig;
  /** core's SafetensorsWeights.fingerprint(); null/absent skips the fingerprint check */
  fingerprint?: string | null;
}

/** A model folder (config.json + safetensors: reads the config and fingerprints the weights) or a ready reference. */
export type BaseModelInput = string | BaseModelRef;

export function resolveBaseModel(base: BaseModelInput): BaseModelRef {
  if (typeof base !== 'string') return { config: base.config, fingerprint: base.fingerprint ?? null };
  const config = readModelConfig(base);
  const weights = openWeights(base);
  try {
    return { config, fingerprint: weights.fingerprint() };
  } finally {
    weights.close();
  }
}
