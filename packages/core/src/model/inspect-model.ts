import type { ModelConfig } from '../hf/config.ts';
import { GLOBAL_WEIGHT_NAMES, readModelConfig } from '../hf/config.ts';
import { openWeights } from '../hf/safetensors-weights.ts';
import type { StoredDType } from '../hf/weight-source.ts';
import { QUANT_BLOCK_SIZE } from '../runtime/load-options.ts';

export interface ModelInspection {
  dir: string;
  config: ModelConfig;
  parameters: number;
  /** parameters per stored dtype */
  dtypes: Partial<Record<StoredDType, number>>;
  /** bytes of the weights as stored */
  storedBytes: number;
  /** bytes of the weights at each compute precision (fp32; weight-only int8/int4 with one fp32 scale per QUANT_BLOCK_SIZE weights) */
  memoryBytes: { fp32: number; int8: number; int4: number };
  /** KV cache bytes per token of context (fp32) */
  kvBytesPerToken: number;
  weightsFingerprint: string;
}

/** What a model folder holds: architecture, parameter count, dtypes and memory needs. */
export function inspectModel(dir: string): ModelInspection {
  const config = readModelConfig(dir);
  const weights = openWeights(dir);
  try {
    const dtypes: Partial<Record<StoredDType, number>> = {};
    let parameters = 0;
    let storedBytes = 0;
    let projectionParameters = 0;
    for (const name of weights.names()) {
      const info = weights.info(name);
      const count = info.shape.reduce((a, b) => a * b, 1);
      parameters += count;
      storedBytes += info.byteLength;
      dtypes[info.dtype] = (dtypes[info.dtype] ?? 0) + count;
      if (info.shape.length === 2 && name !== GLOBAL_WEIGHT_NAMES.embedTokens) projectionParameters += count;
    }
    // weight-only quantization packs the projections (and a copy of a tied LM head); the rest stays fp32
    const tiedHead = config.tieWordEmbeddings ? config.vocabSize * config.hiddenSize : 0;
    const quantized = (bits: number) =>
      Math.round((parameters - projectionParameters) * 4 + (projectionParameters + tiedHead) * (bits / 8 + 4 / QUANT_BLOCK_SIZE));
    return {
      dir,
      config,
      parameters,
      dtypes,
      storedBytes,
      memoryBytes: { fp32: parameters * 4, int8: quantized(8), int4: quantized(4) },
      kvBytesPerToken: 2 * config.numLayers * config.numKvHeads * config.headDim * 4,
      weightsFingerprint: weights.fingerprint(),
    };
  } finally {
    weights.close();
  }
}
