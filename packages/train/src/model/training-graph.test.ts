import { describe, expect, it } from 'vitest';
import { ReferenceModel, SeededRandom, isPlugboardError, maxAbsDiff, randomModelWeights, tinyModelConfig } from '@plugboard/core';
import type { ModelConfig, ReferenceAdapters } from '@plugboard/core';
import { packExamples } from '../data/pack-rows.ts';
import { batchOfRows } from '../data/token-batch.ts';
import type { PackedRow } from '../data/token-batch.ts';
import { batchFeeds } from '../trainer/batch-feeds.ts';
import { GraphRunner } from '../trainer/graph-runner.ts';
import { ParameterStore } from '../trainer/parameter-store.ts';
import type { GraphMethodInput } from './graph-method.ts';
import { adapterParameterShapes } from './parameter-names.ts';
import { referenceAdaptersOf } from './reference-adapters-of.ts';
import { buildTrainingGraph } from './training-graph.ts';

const BATCH = 2;
const SEQUENCE = 6;

async function compare(config: ModelConfig, methodInput: GraphMethodInput = {}): Promise<{ logitsDiff: number; lossDiff: number }> {
  const training = buildTrainingGraph(config, { batch: BATCH, sequence: SEQUENCE, method: methodInput, logits: true });
  const store = new ParameterStore(training.parameters);
  const weights = randomModelWeights(config, 7);
  store.loadFrom(weights);
  const random = new SeededRandom(11);
  for (const [name, shape] of adapterParameterShapes(config, training.options.method)) {
    store.set(name, random.normals(shape.reduce((a, b) => a * b, 1), 0.2));
  }
  const rows = Array.from({ length: BATCH }, () => {
    const tokens = Array.from({ length: SEQUENCE + 1 }, () => random.nextInt(config.vocabSize));
    return { tokens, weights: tokens.map((_, t) => (t % 3 === 0 ? 0 : 1)) };
  });
  const batch = batchOfRows(rows, BATCH, SEQUENCE);
  const runner = await GraphRunner.open(training.graph);
  const out = await runner.run({ ...store.feeds(), ...batchFeeds(batch) }, ['logits', 'loss']);
  await runner.release();

  const hasAdapters = training.options.method.lora !== undefined || training.options.method.bottleneck !== undefined;
  const adapters: ReferenceAdapters | undefined = hasAdapters
    ? referenceAdaptersOf(config, training.options.method, (name) => store.get(name), BATCH)
    : undefined;
  const reference = new ReferenceModel(config, weights).forward({ inputIds: rows.map((r) => r.tokens.slice(0, SEQUENCE)), adapters });
  const expected = new Float32Array(BATCH * SEQUENCE * config.vocabSize);
  reference.logits.forEach((row, b) => expected.set(row, b * SEQUENCE * config.vocabSize));

  let total = 0;
  let count = 0;
  for (let i = 0; i < BATCH * SEQUENCE; i++) {
    const row = expected.subarray(i * config.vocabSize, (i + 1) * config.vocabSize);
    const max = Math.max(...row);
    const logSum = Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) + max;
    total += batch.lossMask[i] * (logSum - row[Number(batch.targets[i])]);
    count += batch.lossMask[i];
  }
  const logits = out.get('logits') ?? new Float32Array();
  const loss = out.get('loss')?.[0] ?? Number.NaN;
  return { logitsDiff: maxAbsDiff(logits, expected), lossDiff: Math.abs(loss - total / count) };
}

const architectures: [string, ModelConfig][] = [
  ['llama (GQA)', tinyModelConfig()],
  ['llama tied head', tinyModelConfig({ tieWordEmbeddings: true })],
  ['qwen2 (q/k/v bias)', tinyModelConfig({ architecture: 'qwen2', attentionBias: true })],
  ['qwen3 (qk-norm)', tinyModelConfig({ architecture: 'qwen3', qkNorm: true, numKvHeads: 4 })],
  ['mistral (sliding window)', tinyModelConfig({ architecture: 'mistral', slidingWindow: 3 })],
  [
    'llama 3.1 rope, o_proj and MLP biases, gelu_pytorch_tanh',
    tinyModelConfig({
      rope: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 4 },
      attentionBias: true,
      outputBias: true,
      mlpBias: true,
      hiddenAct: 'gelu_pytorch_tanh',
    }),
  ],
  ['qwen2 with yarn (attention factor) and gelu', tinyModelConfig({ architecture: 'qwen2', attentionBias: true, hiddenAct: 'gelu', rope: { type: 'yarn', factor: 4, originalMaxPositionEmbeddings: 8, betaFast: 32, betaSlow: 1, attentionFactor: 1.2, truncate: true } })],
];

describe('buildTrainingGraph', () => {
  it.each(architectures)('%s: logits and loss match the reference forward', async (_, config) => {
    const { logitsDiff, lossDiff } = await compare(config);
    expect(logitsDiff).toBeLessThanOrEqual(1e-4);
    expect(lossDiff).toBeLessThanOrEqual(1e-4);
  });

  it('matches the reference with a LoRA in PEFT orientation (rsLoRA, some layers, every module)', async () => {
    const config = tinyModelConfig({ architecture: 'qwen2', attentionBias: true });
    const method = { lora: { rank: 3, alpha: 6, useRslora: true, modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const, layers: [1] } };
    const { logitsDiff } = await compare(config, { lora: { ...method.lora, modules: [...method.lora.modules] } });
    expect(logitsDiff).toBeLessThanOrEqual(1e-4);
  });

  it.each(['gelu', 'relu', 'silu'] as const)('matches the reference with a %s bottleneck adapter', async (activation) => {
    const { logitsDiff } = await compare(tinyModelConfig({ architecture: 'qwen3', qkNorm: true }), { bottleneck: { width: 5, activation } });
    expect(logitsDiff).toBeLessThanOrEqual(1e-4);
  });

  it('packed examples attend only within themselves: each one\'s logits equal the reference forward of it alone', async () => {
    const config = tinyModelConfig({ architecture: 'qwen2', attentionBias: true });
    const sequence = 10;
    const training = buildTrainingGraph(config, { batch: 1, sequence, logits: true });
    const weights = randomModelWeights(config, 5);
    const store = new ParameterStore(training.parameters);
    store.loadFrom(weights);
    const a = [11, 12, 13, 14];
    const b = [21, 22, 23, 24, 25];
    const [row] = packExamples([a, b].map((tokens) => ({ tokens, weights: tokens.map(() => 1) })), sequence);
    const runner = await GraphRunner.open(training.graph);
    const logitsOf = async (r: PackedRow) => (await runner.run({ ...store.feeds(), ...batchFeeds(batchOfRows([r], 1, sequence)) }, ['logits'])).get('logits') as Float32Array;
    const packed = await logitsOf(row!);
    const unmasked = await logitsOf({ tokens: row!.tokens, weights: row!.weights });
    await runner.release();
    const reference = new ReferenceModel(config, weights);
    const V = config.vocabSize;
    const alone = (tokens: number[]) => reference.forward({ inputIds: [tokens] }).logits[0]!;
    expect(maxAbsDiff(packed.subarray(0, a.length * V), alone(a))).toBeLessThanOrEqual(1e-4);
    const bSpan = packed.subarray(a.length * V, (a.length + b.length) * V);
    expect(maxAbsDiff(bSpan, alone(b))).toBeLessThanOrEqual(1e-4);
    // without segment ids the second example reads the first: the mask is what makes them agree
    expect(maxAbsDiff(unmasked.subarray(a.length * V, (a.length + b.length) * V), alone(b))).toBeGreaterThan(1e-3);
  });

  it('takes every parameter, base and adapter, as a graph input', () => {
    const config = tinyModelConfig();
    const { graph, parameters } = buildTrainingGraph(config, { batch: 1, sequence: 4, method: { lora: { rank: 2, alpha: 4, modules: ['q'] } } });
    const inputs = new Set(graph.inputs.map((i) => i.name));
    for (const name of parameters.keys()) expect(inputs.has(name)).toBe(true);
    expect(inputs.has('lora.0.q.a')).toBe(true);
    expect(parameters.get('lora.1.q.a')).toEqual([16, 2]);
    expect(parameters.get('lora.1.q.b')).toEqual([2, 16]);
  });

  it('refuses adapter layers the model does not have', () => {
    try {
      buildTrainingGraph(tinyModelConfig(), { batch: 1, sequence: 4, method: { bottleneck: { width: 2, layers: [5] } } });
      expect.unreachable();
    } catch (error) {
      expect(isPlugboardError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
