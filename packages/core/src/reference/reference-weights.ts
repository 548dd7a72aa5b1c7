import { GLOBAL_WEIGHT_NAMES, layerWeightNames } from '../hf/config.ts';
import { validateWeights } from '../hf/validate-weights.ts';
import type { ModelConfig } from '../hf/config.ts';
import type { WeightSource } from '../hf/weight-source.ts';

export interface ReferenceLayerWeights {
  inputNorm: Float32Array;
  postAttentionNorm: Float32Array;
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  o: Float32Array;
  /** present when config.attentionBias */
  qBias?: Float32Array;
  kBias?: Float32Array;
  vBias?: Float32Array;
  /** present when config.qkNorm */
  qNorm?: Float32Array;
  kNorm?: Float32Array;
  /** present when config.outputBias */
  oBias?: Float32Array;
  gate: Float32Array;
  up: Float32Array;
  down: Float32Array;
  /** present when config.mlpBias */
  gateBias?: Float32Array;
  upBias?: Float32Array;
  downBias?: Float32Array;
}

export interface ReferenceWeights {
  embedTokens: Float32Array;
  finalNorm: Float32Array;
  /** embedTokens itself when the embeddings are tied */
  lmHead: Float32Array;
  layers: ReferenceLayerWeights[];
}

/** Reads every weight the config needs as float32, checking presence and shape first. */
export function loadReferenceWeights(config: ModelConfig, weights: WeightSource): ReferenceWeights {
  validateWeights(weights, config);
  const load = (name: string): Float32Array => weights.float32(name);
  const optional = (enabled: boolean, name: string): Float32Array | undefined => (enabled ? load(name) : undefined);
  const embedTokens = load(GLOBAL_WEIGHT_NAMES.embedTokens);
  return {
    embedTokens,
    finalNorm: load(GLOBAL_WEIGHT_NAMES.finalNorm),
    lmHead: config.tieWordEmbeddings ? embedTokens : load(GLOBAL_WEIGHT_NAMES.lmHead),
    layers: Array.from({ length: config.numLayers }, (_, i) => {
      const n = layerWeightNames(i);
      return {
        inputNorm: load(n.inputNorm),
        postAttentionNorm: load(n.postAttentionNorm),
        q: load(n.q),
        k: load(n.k),
        v: load(n.v),
        o: load(n.o),
        qBias: optional(config.attentionBias, n.qBias),
        kBias: optional(config.attentionBias, n.kBias),
        vBias: optional(config.attentionBias, n.vBias),
        qNorm: optional(config.qkNorm, n.qNorm),
        kNorm: optional(config.qkNorm, n.kNorm),
        oBias: optional(config.outputBias, n.oBias),
        gate: load(n.gate),
        up: load(n.up),
        down: load(n.down),
        gateBias: optional(config.mlpBias, n.gateBias),
        upBias: optional(config.mlpBias, n.upBias),
        downBias: optional(config.mlpBias, n.downBias),
      };
    }),
  };
}
