/**
 * pnpm bench:train [--steps 5] [--warmup 2]
 *
 * Training throughput of a ~5M-parameter llama (hidden 256, 6 layers, 8
 * heads, 4 KV heads, intermediate 688, vocab 4096) on batches of 8 × 256
 * tokens with AdamW: full fine-tuning, LoRA rank 16 on q/k/v/o in all
 * layers, and LISA (the same LoRA in the 2 layers a validation-scan probe
 * picks), over an fp32 base and (LoRA, LISA) over a frozen int8 / int4
 * MatMulNBits base. Each row runs in its own process (`--row NAME`), so its
 * peak RSS is its own. Prints one JSON object on stdout.
 */
import { execFileSync } from 'node:child_process';
import { SeededRandom, randomModelWeights, tinyModelConfig } from '@plugboard/core';
import type { ModelDType } from '@plugboard/core';
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

// held-out rows for the scan probe that picks LISA's layers
const data: TrainingData = { train: randomRows(BATCH * 4, 1), heldOut: randomRows(BATCH, 2), heldOutExamples: [], trainExamples: [], truncated: { examples: 0, learnedTokensCut: 0, learnedTokens: 0, longest: 0 } };

async function measure(name: string, method: MethodOptionsInput, baseDtype: ModelDType): Promise<{ tokensPerSecond: number; trainable: number }> {
  const stamps: number[] = [];
  const result = await train({
    config,
    base,
    data,
    method,
    options: { batch: BATCH, sequence: SEQUENCE, steps: warmupSteps + timedSteps, schedule: { learningRate: 1e-4 }, seed: 0, baseDtype },
    onProgress: () => stamps.push(performance.now()),
  });
  const seconds = ((stamps.at(-1) as number) - (stamps[warmupSteps - 1] as number)) / 1000;
  const tokensPerSecond = (timedSteps * BATCH * SEQUENCE) / seconds;
  log(`${name}: ${round(tokensPerSecond)} tokens/s, ${result.trainableParameters} trainable`);
  return { tokensPerSecond, trainable: result.trainableParameters };
}

const lora = { rank: 16, alpha: 32, modules: ['q', 'k', 'v', 'o'] as ('q' | 'k' | 'v' | 'o')[] };
const METHODS: Record<string, MethodOptionsInput> = {
  full: { kind: 'full' },
  lora: { kind: 'lora', ...lora },
  lisa: { kind: 'lisa', ...lora, topK: 2, probe: 'scan', probeSteps: 1 },
};
const ROWS: { method: string; baseDtype: ModelDType }[] = [
  { method: 'full', baseDtype: 'fp32' },
  ...(['fp32', 'int8', 'int4'] as const).flatMap((baseDtype) => [
    { method: 'lora', baseDtype },
    { method: 'lisa', baseDtype },
  ]),
];

interface RowResult {
  method: string;
  base_dtype: ModelDType;
  tokens_per_s: number;
  peak_rss_mb: number;
  trainable: number;
}

if (flags.row !== undefined) {
  // child: one row, its own process
  const [method, baseDtype] = flags.row.split(':') as [string, ModelDType];
  const run = await measure(`${method} over ${baseDtype}`, METHODS[method] as MethodOptionsInput, baseDtype);
  printResult({ method, base_dtype: baseDtype, tokens_per_s: round(run.tokensPerSecond), peak_rss_mb: round(peakRssMb()), trainable: run.trainable } satisfies RowResult);
} else {
  const rows = ROWS.map(({ method, baseDtype }) => {
    const args = [...process.execArgv, process.argv[1] as string, '--row', `${method}:${baseDtype}`, '--steps', String(timedSteps), '--warmup', String(warmupSteps)];
    return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as RowResult;
  });
  const row = (method: string, baseDtype: ModelDType) => rows.find((r) => r.method === method && r.base_dtype === baseDtype) as RowResult;
  printResult({
    full_tokens_per_s: row('full', 'fp32').tokens_per_s,
    lora_tokens_per_s: row('lora', 'fp32').tokens_per_s,
    lisa_tokens_per_s: row('lisa', 'fp32').tokens_per_s,
    peak_rss_mb: Math.max(...rows.map((r) => r.peak_rss_mb)),
    params_total: row('full', 'fp32').trainable,
    params_lora: row('lora', 'fp32').trainable,
    params_lisa: row('lisa', 'fp32').trainable,
    rows,
  });
}
