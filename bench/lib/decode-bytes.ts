import { QUANT_BLOCK_SIZE } from '@plugboard/core';
import type { ModelConfig, ModelDType } from '@plugboard/core';

/**
 * Bytes a decode step must read: every projection weight, the LM head, the
 * norms, one embedding row, and the KV cache at the given context length.
 * Weight-only intN stores bits/8 bytes per weight plus one fp32 scale per QUANT_BLOCK_SIZE.
 */
export function decodeBytesPerToken(config: ModelConfig, dtype: ModelDType, contextTokens: number): number {
  const { hiddenSize: d, numHeads, numKvHeads, headDim, intermediateSize: ff, vocabSize, numLayers } = config;
  const perLayer = d * numHeads * headDim * 2 + d * numKvHeads * headDim * 2 + 3 * d * ff;
  const projections = numLayers * perLayer + vocabSize * d;
  const bytesPerWeight = dtype === 'fp32' ? 4 : (dtype === 'int8' ? 1 : 0.5) + 4 / QUANT_BLOCK_SIZE;
  const norms = (2 * numLayers + 1) * d * 4;
  const kv = contextTokens * 2 * numLayers * numKvHeads * headDim * 4;
  return projections * bytesPerWeight + norms + d * 4 + kv;
}
