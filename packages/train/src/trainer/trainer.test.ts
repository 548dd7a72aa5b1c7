import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer, maxAbsDiff, openWeights, randomModelWeights, tinyModelConfig } from '@plugboard/core';
import { writeFixtureModel } from '@plugboard/core/testing';
import type { Tokenizer } from '@plugboard/core';
import { codeMappingExamples } from '../data/synthetic-tasks.ts';
import { prepareTrainingData } from '../data/training-data.ts';
import type { TrainingData } from '../data/training-data.ts';
import type { MethodOptionsInput } from '../methods/method-options.ts';
import { readCheckpointState } from './checkpoint.ts';
import { train } from './trainer.ts';
import type { TrainInput } from './trainer.ts';
import { writeTrainingOutput } from './write-training-output.ts';

const config = tinyModelConfig({ vocabSize: 300, hiddenSize: 16, numLayers: 2 });
const base = randomModelWeights(config, 1);
let dir: string;
let tokenizer: Tokenizer;
let data: TrainingData;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'trainer-'));
  writeFixtureModel(join(dir, 'model'), { vocabSize: 300 });
  tokenizer = loadTokenizer(join(dir, 'model'));
  data = prepareTrainingData(codeMappingExamples(40, 5), { tokenizer }, { sequence: 16, heldOutFraction: 0.2, seed: 2 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lora: MethodOptionsInput = { kind: 'lora', rank: 2, alpha: 4, modules: ['q', 'v'] };

function input(overrides: Partial<TrainInput> & { steps?: number; checkpointDir?: string } = {}): TrainInput {
  const { steps = 4, checkpointDir, ...rest } = overrides;
  return {
    config,
    base,
    data,
    method: lora,
    options: {
      batch: 4,
      sequence: 16,
      steps,
      accumulation: 2,
      schedule: { learningRate: 0.02, warmupSteps: 1 },
      seed: 3,
      ...(checkpointDir ? { checkpointDir } : {}),
    },
    ...rest,
  };
}

describe('train', () => {
  it('gives the same loss curve for the same seed and data, and the loss goes down', async () => {
    const first = await train(input({ steps: 6 }));
    const second = await train(input({ steps: 6 }));
    expect(second.state.curve).toEqual(first.state.curve);
    const losses = first.state.curve.map((p) => p.loss);
    expect(losses.at(-1)).toBeLessThan(losses[0] as number);
    expect(first.state.evals.length).toBe(1);
  });

  it('resumes from a checkpoint to the same final parameters as an uninterrupted run', async () => {
    const straight = await train(input({ steps: 5 }));
    const ckpt = join(dir, 'ckpt');
    await train(input({ steps: 5, checkpointDir: ckpt, signal: AbortSignal.abort() }));
    expect(readCheckpointState(ckpt).step).toBe(0);
    const controller = new AbortController();
    const first = await train(input({ steps: 5, checkpointDir: ckpt, signal: controller.signal, onProgress: (p) => p.step === 2 && controller.abort() }));
    expect(first.stopReason).toBe('aborted');
    expect(readCheckpointState(ckpt).step).toBe(2);
    const resumed = await train(input({ steps: 5, resumeFrom: ckpt }));
    expect(resumed.state.step).toBe(5);
    for (const name of straight.plan.trainable) {
      expect(maxAbsDiff(resumed.store.get(name), straight.store.get(name))).toBeLessThanOrEqual(1e-6);
    }
    expect(resumed.state.curve.map((p) => p.loss)).toEqual(straight.state.curve.map((p) => p.loss));
  });

  it('stops early when the held-out loss stops improving', async () => {
    const result = await train({ ...input({ steps: 20 }), options: { ...input().options, steps: 20, evalEvery: 1, patience: 2, minDelta: 100 } });
    expect(result.stopReason).toBe('early-stopped');
    expect(result.state.step).toBe(3);
  });

  it('an early stop restores the parameters of the best evaluation (restoreBest, the default)', async () => {
    const options = { ...input().options, steps: 20, evalEvery: 1, patience: 2, minDelta: 100 };
    const restored = await train({ ...input(), options });
    const kept = await train({ ...input(), options: { ...options, restoreBest: false } });
    const controller = new AbortController();
    // the same run cut after step 1, the only evaluation that counts as an improvement
    const atBest = await train({ ...input(), options, signal: controller.signal, onProgress: (p) => p.step === 1 && controller.abort() });
    expect(restored.restoredBestStep).toBe(1);
    expect(kept.restoredBestStep).toBeUndefined();
    for (const name of restored.plan.trainable) expect(maxAbsDiff(restored.store.get(name), atBest.store.get(name))).toBe(0);
    expect(Math.max(...kept.plan.trainable.map((name) => maxAbsDiff(kept.store.get(name), atBest.store.get(name))))).toBeGreaterThan(0);
  });

  it('reports progress every step with throughput and ETA', async () => {
    const seen: number[] = [];
    await train(input({ steps: 3, onProgress: (p) => { seen.push(p.step); expect(p.tokensPerSecond).toBeGreaterThan(0); expect(p.etaSeconds).toBeGreaterThanOrEqual(0); } }));
    expect(seen).toEqual([1, 2, 3]);
  });

  it('writes a PEFT adapter folder, metrics and the loss curve', async () => {
    const result = await train(input({ steps: 2 }));
    const out = join(dir, 'out-lora');
    writeTrainingOutput(out, config, result);
    const adapterConfig = JSON.parse(readFileSync(join(out, 'adapter_config.json'), 'utf8'));
    expect(adapterConfig).toMatchObject({ peft_type: 'LORA', r: 2, lora_alpha: 4, target_modules: ['q_proj', 'v_proj'] });
    const weights = openWeights(join(out, 'adapter_model.safetensors'));
    expect(weights.info('base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight').shape).toEqual([2, 16]);
    expect(weights.info('base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight').shape).toEqual([8, 2]);
    weights.close();
    expect(readFileSync(join(out, 'loss-curve.svg'), 'utf8')).toContain('<polyline');
    expect(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).steps).toBe(2);
  });

  it('trains every base weight for full, a dense HF folder out', async () => {
    const result = await train(input({ steps: 2, method: { kind: 'full' } }));
    expect(result.trainableParameters).toBeGreaterThan(10_000);
    const out = join(dir, 'out-full');
    writeTrainingOutput(out, config, result, { baseModelDir: join(dir, 'model') });
    expect(existsSync(join(out, 'tokenizer.json'))).toBe(true);
    const weights = openWeights(out);
    expect(maxAbsDiff(weights.float32('model.embed_tokens.weight'), base.float32('model.embed_tokens.weight'))).toBeGreaterThan(0);
    weights.close();
  });

  it('lisa-sampling unfreezes a new seeded draw of layers every period; embedding and head always', async () => {
    const deep = tinyModelConfig({ vocabSize: 300, numLayers: 4 });
    const result = await train({ ...input({ steps: 4 }), config: deep, base: randomModelWeights(deep, 2), method: { kind: 'lisa-sampling', gamma: 1, period: 2 } });
    const { plan } = result;
    expect(plan.sampledLayersAt?.(0)).toEqual(plan.sampledLayersAt?.(1));
    expect(plan.activeAt(0)).toContain('model.embed_tokens.weight');
    expect(plan.activeAt(3)).toContain('lm_head.weight');
    expect(plan.activeAt(0).filter((n) => n.startsWith('model.layers.')).length).toBe(9);
  });

  it('lisa-sampling keeps optimizer state for the drawn layers only; a layer drawn again starts afresh', async () => {
    const deep = tinyModelConfig({ vocabSize: 300, numLayers: 3 });
    const steps = 8;
    const period = 2;
    const result = await train({ ...input({ steps }), config: deep, base: randomModelWeights(deep, 2), method: { kind: 'lisa-sampling', gamma: 1, period } });
    const { plan, state } = result;
    const layerOf = (step: number) => plan.sampledLayersAt?.(step)[0] as number;
    const last = layerOf(steps - 1);
    // steps since `last` was drawn without a break, counted back from the end
    let fresh = 0;
    while (fresh < steps && layerOf(steps - 1 - fresh) === last) fresh++;
    const draws = Array.from({ length: steps / period }, (_, p) => layerOf(p * period));
    expect(new Set(draws).size).toBeGreaterThan(1); // the seed draws more than one layer, so a reset is observable
    const layerSteps = Object.entries(state.optimizerSteps).filter(([name]) => name.startsWith('model.layers.'));
    expect(new Set(layerSteps.map(([name]) => name.split('.')[2]))).toEqual(new Set([String(last)]));
    expect(new Set(layerSteps.map(([, n]) => n))).toEqual(new Set([fresh]));
    expect(state.optimizerSteps['model.embed_tokens.weight']).toBe(steps);
  });
});
