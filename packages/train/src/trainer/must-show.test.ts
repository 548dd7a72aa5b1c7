import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReferenceModel, loadTokenizer, maxAbsDiff, randomModelWeights, tinyModelConfig } from '@plugboard/core';
import { writeFixtureModel } from '@plugboard/core/testing';
import type { Tokenizer } from '@plugboard/core';
import { codeMappingExamples, templateCorpus, unigramEntropy } from '../data/synthetic-tasks.ts';
import { prepareTrainingData } from '../data/training-data.ts';
import { referenceAdaptersOf } from '../model/reference-adapters-of.ts';
import { buildTrainingGraph } from '../model/training-graph.ts';
import type { MethodOptionsInput } from '../methods/method-options.ts';
import { exactMatchAccuracy } from './exact-match.ts';
import { GraphRunner } from './graph-runner.ts';
import { batchFeeds } from './batch-feeds.ts';
import { batchOfRows } from '../data/token-batch.ts';
import { ParameterStore } from './parameter-store.ts';
import { train } from './trainer.ts';

let dir: string;
let tokenizer: Tokenizer;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'must-show-'));
  writeFixtureModel(join(dir, 'model'), { vocabSize: 300 });
  tokenizer = loadTokenizer(join(dir, 'model'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pretraining from scratch', () => {
  it('brings held-out loss well below the corpus unigram entropy', async () => {
    const config = tinyModelConfig({ vocabSize: 300, hiddenSize: 48, numHeads: 4, numKvHeads: 2, headDim: 12, intermediateSize: 96, numLayers: 2 });
    const examples = templateCorpus(600, 4).map((sentence) => ({ prompt: '', completion: sentence }));
    const data = prepareTrainingData(examples, { tokenizer }, { sequence: 64, heldOutFraction: 0.1, seed: 1 });
    const entropy = unigramEntropy(data.trainExamples.flatMap((e) => e.tokens.filter((_, i) => e.weights[i] === 1)));
    const result = await train({
      config,
      data,
      method: { kind: 'full' },
      options: { batch: 8, sequence: 64, steps: 150, schedule: { learningRate: 3e-3, warmupSteps: 10 }, seed: 1 },
    });
    const heldOut = result.state.evals.at(-1)?.loss ?? Number.NaN;
    console.log(`[must-show a] unigram entropy ${entropy.toFixed(3)} nats; held-out loss ${heldOut.toFixed(3)} after ${result.state.step} steps`);
    expect(heldOut).toBeLessThan(entropy * 0.6);
  });
});

describe('a task the base cannot know', () => {
  it('lora and lisa lift held-out exact match far above the base; lisa trains at most 40% of lora', async () => {
    const config = tinyModelConfig({ vocabSize: 300, hiddenSize: 32, numHeads: 4, numKvHeads: 2, headDim: 8, intermediateSize: 64, numLayers: 4 });
    const base = randomModelWeights(config, 9);
    const data = prepareTrainingData(codeMappingExamples(320, 7), { tokenizer }, { sequence: 16, heldOutFraction: 0.2, seed: 3 });
    const shape = { batch: 16, sequence: 16 };
    const loraFields = { rank: 8, alpha: 16, modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const };
    const methods: [string, MethodOptionsInput][] = [
      ['lora', { kind: 'lora', ...loraFields, modules: [...loraFields.modules] }],
      // one layer of four at rank 12: 37.5% of the LoRA's parameters
      ['lisa', { kind: 'lisa', ...loraFields, rank: 12, alpha: 24, modules: [...loraFields.modules], topK: 1 }],
      ['adapter', { kind: 'adapter', width: 32, activation: 'gelu' }],
    ];
    const baseStore = new ParameterStore(buildTrainingGraph(config, { ...shape }).parameters);
    baseStore.loadFrom(base);
    const report: Record<string, { accuracy: number; parameters: number }> = {
      base: { accuracy: await exactMatchAccuracy(config, {}, baseStore, data.heldOutExamples, shape), parameters: 0 },
    };
    for (const [name, method] of methods) {
      const result = await train({
        config,
        base,
        data,
        method,
        options: { ...shape, steps: 300, schedule: { learningRate: 1e-2, warmupSteps: 10 }, seed: 5, adamw: { weightDecay: 0 } },
      });
      const accuracy = await exactMatchAccuracy(config, result.plan.graphMethod, result.store, data.heldOutExamples, shape);
      report[name] = { accuracy, parameters: result.trainableParameters };

      if (name === 'lora') {
        // (c) the trained adapter in the training graph = the reference forward with it in a slot
        const graph = buildTrainingGraph(config, { batch: 2, sequence: 16, method: result.plan.graphMethod, logits: true });
        const runner = await GraphRunner.open(graph.graph);
        const rows = data.train.slice(0, 2);
        const out = await runner.run({ ...result.store.feeds(), ...batchFeeds(batchOfRows(rows, 2, 16)) }, ['logits']);
        await runner.release();
        const adapters = referenceAdaptersOf(config, result.plan.graphMethod, (n) => result.store.get(n), 2);
        const reference = new ReferenceModel(config, base).forward({ inputIds: rows.map((r) => r.tokens.slice(0, 16)), adapters });
        const expected = new Float32Array(2 * 16 * config.vocabSize);
        reference.logits.forEach((l, b) => expected.set(l, b * 16 * config.vocabSize));
        const diff = maxAbsDiff(out.get('logits') as Float32Array, expected);
        console.log(`[must-show c] trained LoRA: training graph vs reference slot forward max |diff| ${diff.toExponential(2)}`);
        expect(diff).toBeLessThanOrEqual(1e-4);
      }
    }
    console.log(`[must-show b] ${JSON.stringify(report)}`);
    expect(report.lora?.accuracy).toBeGreaterThan((report.base?.accuracy ?? 0) + 0.5);
    expect(report.lisa?.accuracy).toBeGreaterThan((report.base?.accuracy ?? 0) + 0.5);
    expect(report.lisa?.parameters ?? Infinity).toBeLessThanOrEqual(0.4 * (report.lora?.parameters ?? 0));
  });
});
