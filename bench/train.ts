/**
 * pnpm bench:train [--steps 5] [--warmup 2]
 *
 * Training throughput of a ~5M-parameter llama (hidden 256, 6 layers, 8
 * heads, 4 KV heads, intermediate 688, vocab 4096) on batches of 8 × 256
 * tokens with AdamW: full fine-tuning, LoRA rank 16 on q/k/v/o in all
 * layers, and LISA (the same LoRA in the 2 layers the probe picks).
 * Prints one JSON object on stdout.
 */
import { SeededRandom, randomModelWeights, tinyModelConfig } from '@plugboard/core';
import type { PackedRow } from '@plugboard/train';
import type { TrainingData } from '@plugboard/train';
import type { MethodOptionsInput } from '@plugboard/train';
import { train } from '@plugboard/train';
import { log, parseFlags, printResult, round } from './lib/bench-io.ts';
import { peakRssMb } from './lib/peak-rss.ts';

const flags = parseFlags(process.argv.slice(2));
const timedSteps = Number(flags.steps ?? 5);
const warmupSteps = Number(flags.warmup ?? 2);
const BATCH = 8;
const SEQUENCE = 256;

const config = tinyModelConfig({
  hiddenSize: 256,
  numLayers: 6,
  numHeads: 8,
  numKvHeads: 4,
  headDim: 32,
  intermediateSize: 688,
  vocabSize: 4096,
  maxPositionEmbeddings: 512,
});
const base = randomModelWeights(config, 0);

function randomRows(count: number, seed: number): PackedRow[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => {
    const tokens = Array.from({ length: SEQUENCE + 1 }, () => random.nextInt(config.vocabSize));
    return { tokens, weights: tokens.map(() => 1) };
  });
}

const data: TrainingData = { train: randomRows(BATCH * 4, 1), heldOut: [], heldOutExamples: [], trainExamples: [] };

async function measure(name: string, method: MethodOptionsInput): Promise<{ tokensPerSecond: number; trainable: number }> {
  const stamps: number[] = [];
  const result = await train({
    config,
    base,
    data,
    method,
    options: { batch: BATCH, sequence: SEQUENCE, steps: warmupSteps + timedSteps, schedule: { learningRate: 1e-4 }, seed: 0 },
    onProgress: () => stamps.push(performance.now()),
  });
  const seconds = ((stamps.at(-1) as number) - (stamps[warmupSteps - 1] as number)) / 1000;
  const tokensPerSecond = (timedSteps * BATCH * SEQUENCE) / seconds;
  log(`${name}: ${round(tokensPerSecond)} tokens/s, ${result.trainableParameters} trainable`);
  return { tokensPerSecond, trainable: result.trainableParameters };
}

const lora = { rank: 16, alpha: 32, modules: ['q', 'k', 'v', 'o'] as ('q' | 'k' | 'v' | 'o')[] };
const full = await measure('full', { kind: 'full' });
const loraRun = await measure('lora', { kind: 'lora', ...lora });
const lisa = await measure('lisa', { kind: 'lisa', ...lora, topK: 2, probeBatches: 1 });
printResult({
  full_tokens_per_s: round(full.tokensPerSecond),
  lora_tokens_per_s: round(loraRun.tokensPerSecond),
  lisa_tokens_per_s: round(lisa.tokensPerSecond),
  peak_rss_mb: round(peakRssMb()),
  params_total: full.trainable,
  params_lora: loraRun.trainable,
  params_lisa: lisa.trainable,
});
