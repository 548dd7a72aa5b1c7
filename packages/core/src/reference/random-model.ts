import { expectedWeightShapes, ModelConfigSchema } from '../hf/config.ts';
import type { ModelConfig } from '../hf/config.ts';
import { slotTensorSpecs } from '../model/adapter-slots.ts';
import type { AdapterSlotLayout, SlotTensor } from '../model/adapter-slots.ts';
import { InMemoryWeights } from './in-memory-weights.ts';
import { SeededRandom } from '../random/seeded-random.ts';

/** A tiny llama config (GQA, 2 layers) for tests; override any field. */
export function tinyModelConfig(overrides: Partial<ModelConfig> = {}): ModelConfig {
  return ModelConfigSchema.parse({
    architecture: 'llama',
    hiddenSize: 16,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: 2,
    headDim: 4,
    intermediateSize: 24,
    vocabSize: 32,
    maxPositionEmbeddings: 128,
    rmsNormEps: 1e-6,
    ropeTheta: 10000,
    tieWordEmbeddings: false,
    attentionBias: false,
    qkNorm: false,
    slidingWindow: null,
    bosTokenId: 1,
    eosTokenIds: [2],
    ...overrides,
  });
}

/**
 * Seeded random weights for every tensor the config needs: norm weights near
 * 1, matrices scaled by 1/sqrt(fan-in) so activations stay O(1).
 */
export function randomModelWeights(config: ModelConfig, seed: number): InMemoryWeights {
  const random = new SeededRandom(seed);
  const weights = new InMemoryWeights();
  for (const [name, shape] of expectedWeightShapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (name.endsWith('norm.weight')) data = random.normals(size, 0.1, 1);
    else if (name.endsWith('.bias')) data = random.normals(size, 0.1);
    else if (name.endsWith('embed_tokens.weight')) data = random.normals(size);
    else data = random.normals(size, 1 / Math.sqrt(shape[1]));
    weights.set(name, shape, data);
  }
  return weights;
}

/** Slot tensors for `layout` with slot 0 all zeros (base) and seeded normals of `scale` in the other slots. */
export function randomSlotTensors(
  config: ModelConfig,
  layout: AdapterSlotLayout,
  seed: number,
  scale = 0.1,
): Map<string, SlotTensor> {
  const random = new SeededRandom(seed);
  const tensors = new Map<string, SlotTensor>();
  for (const spec of slotTensorSpecs(config, layout)) {
    const data = random.normals(spec.dims.reduce((a, b) => a * b, 1), scale);
    data.fill(0, 0, data.length / spec.dims[0]);
    tensors.set(spec.name, { dims: spec.dims, data });
  }
  return tensors;
}
