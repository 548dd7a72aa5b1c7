import { GLOBAL_WEIGHT_NAMES, layerWeightNames } from '@plugboard/core';
import type { ModelConfig, Quantization } from '@plugboard/core';

/**
 * The base weights a quantized-base training graph holds as frozen
 * MatMulNBits initializers instead of fp32 parameters: every layer
 * projection, and the untied LM head when the quantization covers it (the
 * same set core's inference graph quantizes). A tied head is quantized for
 * the product but stays a parameter for the embedding Gather.
 */
export function quantizedWeightNames(config: ModelConfig, quantization: Quantization): Set<string> {
  const names = new Set<string>();
  for (let layer = 0; layer < config.numLayers; layer++) {
    const n = layerWeightNames(layer);
    for (const name of [n.q, n.k, n.v, n.o, n.gate, n.up, n.down]) names.add(name);
  }
  if (quantization.lmHead && !config.tieWordEmbeddings) names.add(GLOBAL_WEIGHT_NAMES.lmHead);
  return names;
}

/** Whether the head product runs on quantized weights (tied or not). */
export function quantizedHead(quantization: Quantization | null): boolean {
  return quantization?.lmHead ?? false;
}

