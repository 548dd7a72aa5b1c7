/**
 * The real training graph's backward (buildTrainingGraph + differentiate)
 * against central finite differences of its own forward loss, for every
 * method and the architecture features that change the backward: GQA,
 * qk-norm, a sliding window, packed segments. float32 (the graph's dtype),
 * so a seeded sample of entries per tensor and a float32 tolerance.
 */
import { describe, expect, it } from 'vitest';
import { GLOBAL_WEIGHT_NAMES, SeededRandom, randomModelWeights, tinyModelConfig } from '@plugboard/core';
import type { ModelConfig } from '@plugboard/core';
import { compareWithFiniteDifferences } from '../autodiff/gradient-check.ts';
import { packExamples } from '../data/pack-rows.ts';
import { batchOfRows } from '../data/token-batch.ts';
import { allBaseParameterNames } from '../methods/layer-names.ts';
import { batchFeeds } from '../trainer/batch-feeds.ts';
import { ParameterStore } from '../trainer/parameter-store.ts';
import type { GraphMethodInput } from './graph-method.ts';
import { adapterParameterShapes } from './parameter-names.ts';
import { buildTrainingGraph } from './training-graph.ts';

const SEQUENCE = 8;
const SAMPLES_PER_TENSOR = 4;
// float32 loss (~4) has ~5e-7 rounding: a 1e-2 step keeps that noise near 5e-5 of the gradient
const EPS = 1e-2;
// measured: worst 4e-3 over all cases; a wrong rule is off by O(1)
const RELATIVE = 1e-2;

const configs: [string, ModelConfig][] = [
  ['llama, GQA (4 heads, 2 kv heads)', tinyModelConfig({ vocabSize: 64 })],
  ['qwen3, qk-norm + GQA', tinyModelConfig({ architecture: 'qwen3', qkNorm: true, vocabSize: 64 })],
  ['mistral, sliding window 3', tinyModelConfig({ architecture: 'mistral', slidingWindow: 3, vocabSize: 64 })],
];

const methods: [string, GraphMethodInput][] = [
  ['full', {}],
  ['LoRA on every module', { lora: { rank: 2, alpha: 4, modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] } }],
  ['bottleneck', { bottleneck: { width: 3, activation: 'gelu' } }],
];

/** Two rows: the first packs two examples (segment ids 0 and 1), the second one example with masked prompt tokens. */
function packedBatch(config: ModelConfig, random: SeededRandom) {
  const example = (length: number, promptTokens: number) => {
    const tokens = Array.from({ length }, () => random.nextInt(config.vocabSize));
    return { tokens, weights: tokens.map((_, t) => (t < promptTokens ? 0 : 1)) };
  };
  const [packed] = packExamples([example(4, 1), example(5, 2)], SEQUENCE);
  const single = example(SEQUENCE + 1, 3);
  return batchOfRows([packed!, single], 2, SEQUENCE);
}

async function gradientErrors(config: ModelConfig, method: GraphMethodInput) {
  const training = buildTrainingGraph(config, { batch: 2, sequence: SEQUENCE, method });
  const store = new ParameterStore(training.parameters);
  store.loadFrom(randomModelWeights(config, 3));
  const random = new SeededRandom(17);
  // non-zero adapters (B and up are zero at init, which would zero A's and down's gradients)
  const adapters = [...adapterParameterShapes(config, training.options.method)];
  for (const [name, shape] of adapters) store.set(name, random.normals(shape.reduce((a, b) => a * b, 1), 0.3));
  const batch = packedBatch(config, random);
  expect(new Set(batch.segmentIds).size).toBeGreaterThan(1);
  const wrt = adapters.length > 0 ? adapters.map(([name]) => name) : allBaseParameterNames(config);
  // only the embedding rows of tokens in the batch have a gradient: check entries of those
  const usedRows = [...new Set(Array.from(batch.inputIds, Number))].slice(0, SAMPLES_PER_TENSOR);
  const embedding = usedRows.map((row, k) => row * config.hiddenSize + ((k * 5) % config.hiddenSize));
  return compareWithFiniteDifferences(training.graph, { ...store.feeds(), ...batchFeeds(batch) }, wrt, 'float32', {
    eps: EPS,
    samplesPerTensor: SAMPLES_PER_TENSOR,
    seed: 5,
    entries: { [GLOBAL_WEIGHT_NAMES.embedTokens]: embedding },
  });
}

describe('training graph backward vs finite differences (float32, sampled entries)', () => {
  for (const [configName, config] of configs) {
    it.each(methods)(`${configName}: %s`, async (_, method) => {
      const compared = await gradientErrors(config, method);
      const names = Object.keys(compared);
      expect(names.length).toBeGreaterThan(0);
      for (const [name, r] of Object.entries(compared)) {
        // a gradient that is identically zero would make the comparison vacuous
        expect(Math.max(...r.numeric.map(Math.abs)), `d loss / d ${name} is not all zero`).toBeGreaterThan(1e-4);
        expect(r.relativeError, `d loss / d ${name}`).toBeLessThan(RELATIVE);
      }
    });
  }
});
