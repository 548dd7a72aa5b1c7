/**
 * Ad-hoc timing of one sampler call on a Qwen-sized row (V = 151,936), run by
 * hand, never by the tests:  pnpm tsx packages/core/src/sampling/sampler-timing.ts
 * Prints JSON with microseconds per `sample` call for each setting: the median
 * and the best of several batches (the best is the least disturbed by other load).
 */
import { createSampler } from './sampler.ts';
import type { SamplingOptionsInput } from './sampling-options.ts';
import { Xoshiro128StarStar } from './xoshiro128.ts';

const VOCAB_SIZE = 151_936;
const ROWS = 16;
const BATCHES = 9;
const CALLS_PER_BATCH = 100;

// Several distinct rows, bell-shaped like real logits, so no single row stays hot in cache.
const random = Xoshiro128StarStar.fromSeed(1);
const rows = Array.from({ length: ROWS }, () =>
  Float32Array.from({ length: VOCAB_SIZE }, () => (random.nextFloat() + random.nextFloat() + random.nextFloat() - 1.5) * 8),
);
const context = Array.from({ length: 512 }, () => random.nextUint32() % VOCAB_SIZE);

const settings: Record<string, SamplingOptionsInput> = {
  greedy: { temperature: 0 },
  topK40TopP09: { temperature: 0.7, topK: 40, topP: 0.9 },
  topK40TopP09RepetitionPenalty512: { temperature: 0.7, topK: 40, topP: 0.9, repetitionPenalty: 1.1 },
  topP09Only: { temperature: 0.7, topP: 0.9 },
  minP005Only: { temperature: 0.7, minP: 0.05 },
  fullSoftmax: { temperature: 1 },
};

function microsecondsPerCall(options: SamplingOptionsInput): { median: number; best: number } {
  const sampler = createSampler({ ...options, seed: 7 });
  const useContext = options.repetitionPenalty === undefined ? [] : context;
  for (let i = 0; i < 50; i += 1) sampler.sample(rows[i % ROWS], useContext);
  const batches: number[] = [];
  for (let batch = 0; batch < BATCHES; batch += 1) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < CALLS_PER_BATCH; i += 1) sampler.sample(rows[i % ROWS], useContext);
    batches.push(Number(process.hrtime.bigint() - start) / 1000 / CALLS_PER_BATCH);
  }
  batches.sort((a, b) => a - b);
  const round = (us: number): number => Number(us.toFixed(1));
  return { median: round(batches[BATCHES >> 1]), best: round(batches[0]) };
}

const result = Object.fromEntries(Object.entries(settings).map(([name, options]) => [name, microsecondsPerCall(options)]));
console.log(JSON.stringify({ vocabSize: VOCAB_SIZE, node: process.version, microsecondsPerCall: result }, null, 2));
