/**
 * Training over a frozen int8/int4 base (QLoRA): the training graph runs the
 * base projections as MatMulNBits over the same packed weights inference
 * serves, the parameter store holds no fp32 copy of them, and adapters learn.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KvCache, buildInferenceGraph, createSession, isPlugboardError, loadModel, loadTokenizer, maxAbsDiff, openWeights, runStep, serializeToBytes } from '@plugboard/core';
import { TINY_SHAPES, writeFixtureModel } from '@plugboard/core/testing';
import type { ModelConfig, OrtSession, Quantization, WeightSource } from '@plugboard/core';
import { codeMappingExamples } from '../data/synthetic-tasks.ts';
import { batchOfRows } from '../data/token-batch.ts';
import { prepareTrainingData } from '../data/training-data.ts';
import type { TrainingData } from '../data/training-data.ts';
import type { MethodOptionsInput } from '../methods/method-options.ts';
import { quantizedWeightNames } from '../model/quantized-base.ts';
import { buildTrainingGraph } from '../model/training-graph.ts';
import { batchFeeds } from './batch-feeds.ts';
import { GraphRunner } from './graph-runner.ts';
import { ParameterStore } from './parameter-store.ts';
import { baseQuantization } from './train-options.ts';
import { train } from './trainer.ts';
import type { TrainInput } from './trainer.ts';

const SEQUENCE = 16;
const root = mkdtempSync(join(tmpdir(), 'plugboard-quantized-base-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dir = writeFixtureModel(join(root, 'base'), { ...TINY_SHAPES, seed: 4 }).dir;
let base: WeightSource;
let config: ModelConfig;
let data: TrainingData;

beforeAll(async () => {
  base = openWeights(join(dir, 'model.safetensors'));
  const model = await loadModel(dir, { cacheDir: join(root, 'graphs') });
  config = model.config;
  await model.dispose();
  data = prepareTrainingData(codeMappingExamples(48, 2), { tokenizer: loadTokenizer(dir) }, { sequence: SEQUENCE, heldOutFraction: 0.25, seed: 1 });
});

const lora: MethodOptionsInput = { kind: 'lora', rank: 4, alpha: 8, modules: ['q', 'v', 'down'] };

function input(baseDtype: 'int8' | 'int4', method: MethodOptionsInput, steps = 12): TrainInput {
  return { config, base, data, method, options: { steps, batch: 4, sequence: SEQUENCE, seed: 3, schedule: { learningRate: 5e-2 }, baseDtype } };
}

describe('training over a quantized base', () => {
  /** The training graph's logits (no adapter, i.e. step 0) over the quantized base. */
  async function trainingLogits(quantization: Quantization, tokens: number[]): Promise<Float32Array> {
    const training = buildTrainingGraph(config, { batch: 1, sequence: SEQUENCE, logits: true, quantization }, base);
    // the projections are graph constants, not parameters: no fp32 copy in the store
    for (const name of quantizedWeightNames(config, quantization)) expect(training.parameters.has(name)).toBe(false);
    const store = new ParameterStore(training.parameters);
    expect(store.loadFrom(base)).toEqual([]);
    const runner = await GraphRunner.open(training.graph);
    const batch = batchOfRows([{ tokens: [...tokens, 0], weights: tokens.map(() => 1).concat(1) }], 1, SEQUENCE);
    const logits = (await runner.run({ ...store.feeds(), ...batchFeeds(batch) }, ['logits'])).get('logits') as Float32Array;
    await runner.release();
    return logits;
  }

  async function inferenceLogits(session: OrtSession, tokens: number[]): Promise<Float32Array> {
    return (await runStep(session, KvCache.empty(config, 1), [{ tokens }], null)).logits;
  }

  const tokens = Array.from({ length: SEQUENCE }, (_, i) => (i * 37 + 11) % 500);

  it.each(['int8', 'int4'] as const)('%s: at step 0 the training graph\'s logits equal core\'s inference graph\'s (fp32 compute, ≤ 1e-3)', async (dtype) => {
    // accuracy_level 0: MatMulNBits computes in fp32 on both sides, so only the graphs' op order differs
    const quantization = { ...baseQuantization({ baseDtype: dtype })!, accuracyLevel: 0 };
    const graph = buildInferenceGraph(config, base, { quantization, adapters: null, hiddenStates: false, logits: 'all', prepackWeights: true, contextLength: null });
    const session = await createSession(serializeToBytes(graph));
    const served = await inferenceLogits(session, tokens);
    await session.release();
    const trained = await trainingLogits(quantization, tokens);
    expect(maxAbsDiff(trained, served)).toBeLessThanOrEqual(1e-3);
    // and the quantization is in effect: the fp32 base's logits differ
    const fp32 = await loadModel(dir, { logits: 'all', cacheDir: join(root, 'graphs') });
    const fp32Logits = await inferenceLogits(fp32.session, tokens);
    await fp32.dispose();
    expect(maxAbsDiff(served, fp32Logits)).toBeGreaterThan(1e-3);
  });

  it.each(['int8', 'int4'] as const)('%s: the training graph runs the same quantization loadModel serves (int8-activation kernels: within 1e-2)', async (dtype) => {
    const model = await loadModel(dir, { dtype, logits: 'all', cacheDir: join(root, 'graphs') });
    const served = await inferenceLogits(model.session, tokens);
    await model.dispose();
    const diff = maxAbsDiff(await trainingLogits(baseQuantization({ baseDtype: dtype })!, tokens), served);
    console.log(`[quantized base] ${dtype}: max |training - loadModel({ dtype })| logits ${diff.toExponential(2)}`);
    // int4 at accuracy_level 4 quantizes activations to int8: 1e-6 differences in their inputs flip roundings (measured 8e-3 at int4, 1e-6 at int8)
    expect(diff).toBeLessThanOrEqual(1e-2);
  });

  it('int4: LoRA over the frozen base lowers the loss; only adapter tensors are parameters', async () => {
    const result = await train(input('int4', lora));
    const losses = result.state.curve.map((p) => p.loss);
    expect(losses.at(-1)).toBeLessThan((losses[0] as number) - 0.1);
    expect(result.store.names().every((name) => !quantizedWeightNames(config, baseQuantization({ baseDtype: 'int4' })!).has(name))).toBe(true);
    expect(result.plan.trainable.every((name) => name.startsWith('lora.'))).toBe(true);
  });

  it('int8: LISA (scan probe) over the frozen base picks layers and lowers the loss', async () => {
    const result = await train(input('int8', { kind: 'lisa', rank: 4, alpha: 8, modules: ['q', 'v'], probe: 'scan', topK: 1, probeSteps: 3 }, 8));
    expect(result.plan.importance?.selected).toHaveLength(1);
    const losses = result.state.curve.map((p) => p.loss);
    expect(losses.at(-1)).toBeLessThan(losses[0] as number);
  });

  it('refuses methods that train the base, and the gradient probe, over a quantized base', async () => {
    for (const method of [{ kind: 'full' } as const, { kind: 'lisa', probe: 'gradient' } as const]) {
      try {
        await train(input('int4', method, 1));
        expect.unreachable();
      } catch (error) {
        expect(isPlugboardError(error, 'INVALID_ARGUMENT')).toBe(true);
        expect(String(error)).toContain('int4');
      }
    }
  });
});
