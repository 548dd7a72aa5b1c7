/**
 * pnpm bench:quantized-accuracy [--steps 300]
 *
 * Held-out exact match on the must-show task (packages/train/src/trainer/
 * must-show.test.ts: a code mapping the random base cannot know) after LoRA
 * and LISA training over an fp32, int8 and int4 base, same data, seed and
 * steps. LISA picks its layer with the scan probe (the gradient probe needs
 * an fp32 base). Prints one JSON object on stdout.
 */
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadTokenizer, randomModelWeights, tinyModelConfig } from '@plugboard/core';
import { writeFixtureModel } from '@plugboard/core/testing';
import type { ModelDType } from '@plugboard/core';
import { baseQuantization, codeMappingExamples, exactMatchAccuracy, prepareTrainingData, train } from '@plugboard/train';
import type { MethodOptionsInput } from '@plugboard/train';
import { log, parseFlags, printResult, round } from './lib/bench-io.ts';

const flags = parseFlags(process.argv.slice(2));
const steps = Number(flags.steps ?? 300);
const dir = mkdtempSync(join(tmpdir(), 'quantized-accuracy-'));
writeFixtureModel(join(dir, 'model'), { vocabSize: 300 });
const tokenizer = loadTokenizer(join(dir, 'model'));
rmSync(dir, { recursive: true, force: true });

// the must-show task and model
const config = tinyModelConfig({ vocabSize: 300, hiddenSize: 32, numHeads: 4, numKvHeads: 2, headDim: 8, intermediateSize: 64, numLayers: 4 });
const base = randomModelWeights(config, 9);
const data = prepareTrainingData(codeMappingExamples(320, 7), { tokenizer }, { sequence: 16, heldOutFraction: 0.2, seed: 3 });
const shape = { batch: 16, sequence: 16 };
const loraFields = { rank: 8, alpha: 16, modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as ('q' | 'k' | 'v' | 'o' | 'gate' | 'up' | 'down')[] };
const methods: Record<string, MethodOptionsInput> = {
  lora: { kind: 'lora', ...loraFields },
  lisa: { kind: 'lisa', ...loraFields, rank: 12, alpha: 24, topK: 1, probe: 'scan' },
};

const results: Record<string, Record<string, number>> = {};
// LISA's probe runs on each base: the layers it kept there
const lisaLayers: Record<string, number[]> = {};
for (const [name, method] of Object.entries(methods)) {
  results[name] = {};
  for (const baseDtype of ['fp32', 'int8', 'int4'] as ModelDType[]) {
    const options = { ...shape, steps, schedule: { learningRate: 1e-2, warmupSteps: 10 }, seed: 5, adamw: { weightDecay: 0 }, baseDtype };
    const result = await train({ config, base, data, method, options });
    const quantization = baseQuantization({ baseDtype });
    const quantized = quantization === null ? undefined : { quantization, weights: base };
    const accuracy = await exactMatchAccuracy(config, result.plan.graphMethod, result.store, data.heldOutExamples, shape, quantized);
    if (result.plan.importance?.selected) lisaLayers[baseDtype] = result.plan.importance.selected;
    log(`${name} over ${baseDtype}: held-out exact match ${accuracy.toFixed(3)}`);
    (results[name] as Record<string, number>)[baseDtype] = round(accuracy, 4);
  }
}
const gapPoints = (name: string, dtype: string) => round(100 * Math.abs((results[name]?.[dtype] ?? 0) - (results[name]?.fp32 ?? 0)), 2);
printResult({
  task: 'must-show code mapping (320 examples, 20% held out)',
  steps,
  held_out_examples: data.heldOutExamples.length,
  exact_match: results,
  lisa_layers: lisaLayers,
  // one held-out example is this many points
  points_per_example: round(100 / data.heldOutExamples.length, 2),
  gap_points_vs_fp32: Object.fromEntries(Object.keys(methods).map((name) => [name, { int8: gapPoints(name, 'int8'), int4: gapPoints(name, 'int4') }])),
});
