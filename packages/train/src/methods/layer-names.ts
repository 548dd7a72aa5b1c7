import { GLOBAL_WEIGHT_NAMES, layerWeightNames } from '@plugboard/core';
import type { ModelConfig } from '@plugboard/core';

/** The base weights of one decoder layer that this config has. */
export function layerParameterNames(config: ModelConfig, layer: number): string[] {
  const n = layerWeightNames(layer);
  const names = [n.inputNorm, n.postAttentionNorm, n.q, n.k, n.v, n.o, n.gate, n.up, n.down];
  if (config.attentionBias) names.push(n.qBias, n.kBias, n.vBias);
  if (config.qkNorm) names.push(n.qNorm, n.kNorm);
  return names;
}

/** Embedding, final norm and (untied) head: the weights outside the decoder layers. */
export function globalParameterNames(config: ModelConfig): string[] {
  const names: string[] = [GLOBAL_WEIGHT_NAMES.embedTokens, GLOBAL_WEIGHT_NAMES.finalNorm];
  if (!config.tieWordEmbeddings) names.push(GLOBAL_WEIGHT_NAMES.lmHead);
  return names;
}

export function allBaseParameterNames(config: ModelConfig): string[] {
  return [...globalParameterNames(config), ...Array.from({ length: config.numLayers }, (_, i) => layerParameterNames(config, i)).flat()];
}
