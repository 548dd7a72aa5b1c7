/**
 * LISA's layer probes on a constructed base where some layers cannot matter:
 * a "dead" layer has zero o_proj and down_proj, so nothing it computes
 * reaches the residual stream, and a q/v LoRA in it cannot change the loss.
 * The probes must find the live layers (a stub returning [0, 1, 2] fails).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPlugboardError, layerWeightNames, loadTokenizer, randomModelWeights, tinyModelConfig } from '@plugboard/core';
import { writeFixtureModel } from '@plugboard/core/testing';
import { codeMappingExamples } from '../data/synthetic-tasks.ts';
import { prepareTrainingData } from '../data/training-data.ts';
import type { TrainingData } from '../data/training-data.ts';
import { train } from '../trainer/trainer.ts';
import type { TrainInput } from '../trainer/trainer.ts';
import { writeTrainingOutput } from '../trainer/write-training-output.ts';
import { LayerImportanceSchema, autoTopK } from './layer-importance.ts';
import type { MethodOptionsInput } from './method-options.ts';
import { MethodOptionsSchema } from './method-options.ts';
import { planMethod } from './method-plan.ts';
import { progressiveLayerImportance, scanLayerImportance } from './validation-probes.ts';

const config = tinyModelConfig({ vocabSize: 300, hiddenSize: 16, numLayers: 4 });
let dir: string;
let data: TrainingData;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'layer-probes-'));
  writeFixtureModel(join(dir, 'model'), { vocabSize: 300 });
  const tokenizer = loadTokenizer(join(dir, 'model'));
  data = prepareTrainingData(codeMappingExamples(24, 5), { tokenizer }, { sequence: 16, heldOutFraction: 0.25, seed: 2 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Base weights where only `live` layers take part: a dead layer's norms are
 * zero (it reads nothing) and so are o_proj and down_proj (it writes
 * nothing), so it is the identity and every gradient of its weights is 0.
 */
function baseWithLiveLayers(live: readonly number[]) {
  const weights = randomModelWeights(config, 1);
  for (let layer = 0; layer < config.numLayers; layer++) {
    if (live.includes(layer)) continue;
    const names = layerWeightNames(layer);
    for (const name of [names.inputNorm, names.postAttentionNorm, names.o, names.down]) weights.set(name, weights.info(name).shape, new Float32Array(weights.float32(name).length));
  }
  return weights;
}

type LisaInput = Partial<Extract<MethodOptionsInput, { kind: 'lisa' }>>;

function lisaInput(live: readonly number[], method: LisaInput): TrainInput {
  return {
    config,
    base: baseWithLiveLayers(live),
    data,
    method: { kind: 'lisa', rank: 2, alpha: 4, modules: ['q', 'v'], topK: 1, probeSteps: 4, ...method },
    options: { batch: 4, sequence: 16, steps: 2, schedule: { learningRate: 0.05 }, seed: 3 },
  };
}

describe('LISA layer probes on a base where one layer dominates', () => {
  it.each([1, 2])('gradient probe: live layer %i ranks first and is the plan\'s layer (bottleneck kind)', async (live) => {
    const result = await train(lisaInput([live], { probe: 'gradient', adapterKind: 'bottleneck', width: 3 }));
    const importance = result.plan.importance!;
    expect(importance.ranking[0]).toBe(live);
    expect(importance.scores[live]).toBeGreaterThan(1e-3);
    for (let layer = 0; layer < config.numLayers; layer++) {
      if (layer !== live) expect(importance.scores[layer]).toBe(0);
    }
    expect(result.plan.graphMethod).toEqual({ bottleneck: { width: 3, activation: 'gelu', layers: [live] } });
    expect(result.plan.trainable.every((name) => name.startsWith(`adapter.${live}.`))).toBe(true);
  });

  it('validation scan: only the live layer drops the held-out loss; layer-importance.json and its picture are written', async () => {
    const result = await train(lisaInput([2], { probe: 'scan', topK: 'auto', epsilon: 0.05 }));
    const importance = result.plan.importance!;
    expect(importance.probe).toBe('scan');
    expect(importance.ranking[0]).toBe(2);
    expect(importance.scores[2]).toBeGreaterThan(0.01);
    // a LoRA in a dead layer changes nothing: its drop is (numerically) zero
    for (const dead of [0, 1, 3]) expect(Math.abs(importance.scores[dead] as number)).toBeLessThan(1e-5);
    expect(importance.probeBatches).toBe(config.numLayers);
    // auto: one layer holds all of the drop, so k = 1
    expect(importance.selected).toEqual([2]);
    expect(result.plan.graphMethod.lora?.layers).toEqual([2]);

    const out = join(dir, 'scan-out');
    writeTrainingOutput(out, config, result);
    const saved = LayerImportanceSchema.parse(JSON.parse(readFileSync(join(out, 'layer-importance.json'), 'utf8')));
    expect(saved).toEqual(importance);
    expect(saved.ranking[0]).toBe(2);
    const svg = readFileSync(join(out, 'layer-importance.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<rect x=/g)?.length).toBe(config.numLayers);
    expect(svg).toContain('fill="#ff7f0e"><title>layer 2:');
  });

  it('progressive from the top: adds layers 3 and 2, stops at dead layer 1', async () => {
    const result = await train(lisaInput([2, 3], { probe: 'progressive', topK: 'auto', epsilon: 0.001 }));
    const importance = result.plan.importance!;
    expect(importance.probe).toBe('progressive');
    expect(importance.ranking).toEqual([3, 2, 1, 0]);
    expect(importance.scores[3]).toBeGreaterThan(0.01);
    expect(importance.scores[2]).toBeGreaterThan(0);
    expect(importance.scores[1]).toBe(0);
    expect(importance.scores[0]).toBe(0);
    // k = 1, 2 improved; k = 3 (adding dead layer 1) did not, so layer 0 was never tried
    expect(importance.probeBatches).toBe(3);
    expect(importance.selected).toEqual([2, 3]);
  });

  it.each(['scan', 'progressive'] as const)('%s refuses data without held-out rows', async (probe) => {
    const input = lisaInput([2], { probe });
    try {
      await train({ ...input, data: { ...data, heldOut: [] } });
      expect.unreachable();
    } catch (error) {
      expect(isPlugboardError(error, 'DATA_INVALID')).toBe(true);
      expect(String(error)).toContain(`the ${probe} probe ranks layers by held-out loss`);
    }
  });
});

describe('probe logic on a constructed loss table', () => {
  // held-out loss of a probe adapter in a set of layers: layer 1 is worth 0.5, layer 3 0.1, the rest nothing
  const worth = [0, 0.5, 0, 0.1];
  const fit = async (layers: number[]) => 2 - layers.reduce((s, l) => s + (worth[l] as number), 0);

  it('scan ranks by held-out loss drop', async () => {
    const importance = await scanLayerImportance(4, 2, fit);
    expect(importance.ranking).toEqual([1, 3, 0, 2]);
    expect(importance.scores.map((s) => Number(s.toFixed(6)))).toEqual([0, 0.5, 0, 0.1]);
    expect(importance.baseLoss).toBe(2);
  });

  it('progressive stops at the first layer that adds less than ε', async () => {
    const tried: number[][] = [];
    const importance = await progressiveLayerImportance(4, 2, 0.05, async (layers) => {
      tried.push(layers);
      return fit(layers);
    });
    // top layer 3 first (0.1), then 2 adds nothing: stop
    expect(tried).toEqual([[3], [3, 2]]);
    expect(importance.scores.map((s) => Number(s.toFixed(6)))).toEqual([0, 0, 0, 0.1]);
  });

  it('top-k auto: the smallest k within ε of k + 1', () => {
    expect(autoTopK({ scores: [0, 0.5, 0, 0.1], ranking: [1, 3, 0, 2] }, 0.05)).toBe(2);
    expect(autoTopK({ scores: [0, 0.5, 0, 0.1], ranking: [1, 3, 0, 2] }, 0.2)).toBe(1);
    expect(autoTopK({ scores: [1, 1, 1], ranking: [0, 1, 2] }, 0.05)).toBe(3);
  });

  it('the plan keeps the top-k of the ranking for either adapter kind', () => {
    const importance = { probe: 'scan' as const, scores: [0, 0.5, 0.2, 0.1], ranking: [1, 2, 3, 0], probeBatches: 4 };
    const lora = planMethod(config, MethodOptionsSchema.parse({ kind: 'lisa', topK: 2, modules: ['q'] }), 0, importance);
    expect(lora.graphMethod.lora?.layers).toEqual([1, 2]);
    expect(lora.importance?.selected).toEqual([1, 2]);
    const bottleneck = planMethod(config, MethodOptionsSchema.parse({ kind: 'lisa', adapterKind: 'bottleneck', topK: 3, width: 4 }), 0, importance);
    expect(bottleneck.graphMethod).toEqual({ bottleneck: { width: 4, activation: 'gelu', layers: [1, 2, 3] } });
  });
});
