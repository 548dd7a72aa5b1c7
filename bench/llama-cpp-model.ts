/**
 * llama.cpp on one GGUF, in its own process (so peak RSS is its alone), as
 * runtime-model.ts measures ours: load, prefill the same prompt in one batch,
 * then greedy decode on the CPU. Prefill is the time to the first generated
 * token; decode counts the tokens after it, as our generate() timings do.
 * `--sequences N`: N sequences of one context generate at once (llama.cpp
 * batches them into one evaluation; it has no per-sequence adapters), as
 * bench:server's N clients do: aggregate tokens/s over the wall time and
 * each sequence's time to first token.
 * node-llama-cpp is not a dependency (its GPU builds weigh 732 MB):
 * bench/lib/llama-cpp.ts installs it under .cache/llama-cpp.
 */
import { pathToFileURL } from 'node:url';
import { percentile } from '../packages/router/src/eval/percentile.ts';
import { parseFlags, printResult, round } from './lib/bench-io.ts';
import { benchPromptTokens } from './lib/bench-prompt.ts';
import { LLAMA_CPP_ENTRY } from './lib/llama-cpp.ts';
import { peakRssMb } from './lib/peak-rss.ts';

interface Sequence {
  evaluate(tokens: number[], options: { temperature: number }): AsyncGenerator<number, void, void>;
}
interface NodeLlamaCpp {
  getLlama(options: { gpu: false; build: 'never'; logLevel: 'error' }): Promise<{
    systemInfo: string;
    loadModel(options: { modelPath: string; gpuLayers: 0 }): Promise<{
      createContext(options: { contextSize: number; batchSize: number; threads: number; sequences: number }): Promise<{ getSequence(): Sequence }>;
      dispose(): Promise<void>;
    }>;
  }>;
}

const flags = parseFlags(process.argv.slice(2));
const threads = Number(flags.threads ?? 2);
const promptTokens = Number(flags['prompt-tokens'] ?? 512);
const newTokens = Number(flags['new-tokens'] ?? 128);
// --sequences (even 1) reports as bench:server does; without it, prefill and decode apart
const batched = flags.sequences !== undefined;
const sequenceCount = Number(flags.sequences ?? 1);
const { getLlama } = (await import(pathToFileURL(LLAMA_CPP_ENTRY).href)) as NodeLlamaCpp;

const started = performance.now();
const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' });
const model = await llama.loadModel({ modelPath: flags.gguf as string, gpuLayers: 0 });
const perSequence = promptTokens + newTokens;
const context = await model.createContext({ contextSize: sequenceCount * perSequence, batchSize: Math.max(promptTokens, sequenceCount), threads, sequences: sequenceCount });
const loadMs = performance.now() - started;
const loadRssMb = peakRssMb();

/** One sequence: the prompt, then greedy tokens until `newTokens`; when its first token came and when it ended. */
async function generate(sequence: Sequence, tokens: number[], t0: number): Promise<{ firstMs: number; endMs: number; generated: number }> {
  let firstMs = 0;
  let generated = 0;
  for await (const _token of sequence.evaluate(tokens, { temperature: 0 })) {
    generated++;
    if (generated === 1) firstMs = performance.now() - t0;
    if (generated === newTokens) break;
  }
  return { firstMs, endMs: performance.now() - t0, generated };
}

const tokens = benchPromptTokens(promptTokens, Number(flags['vocab-size']));
const sequences = Array.from({ length: sequenceCount }, () => context.getSequence());
const t0 = performance.now();
const runs = await Promise.all(sequences.map((sequence) => generate(sequence, tokens, t0)));
const wallMs = performance.now() - t0;
const [one] = runs;
const timings =
  !batched && one
    ? { prefill_tokens_per_s: round(promptTokens / (one.firstMs / 1000)), decode_tokens_per_s: round((one.generated - 1) / ((one.endMs - one.firstMs) / 1000)), generated_tokens: one.generated }
    : {
        sequences: sequenceCount,
        aggregate_decode_tokens_per_s: round(runs.reduce((n, r) => n + r.generated, 0) / (wallMs / 1000), 1),
        ttft_p50_ms: round(percentile(runs.map((r) => r.firstMs), 50) ?? 0, 1),
        ttft_p99_ms: round(percentile(runs.map((r) => r.firstMs), 99) ?? 0, 1),
      };
printResult({ load_ms: round(loadMs, 0), peak_rss_mb: round(loadRssMb, 0), peak_rss_after_generate_mb: round(peakRssMb(), 0), ...timings, system_info: llama.systemInfo });
await model.dispose();
