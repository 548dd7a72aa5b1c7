/**
 * llama.cpp on one GGUF, in its own process (so peak RSS is its alone), as
 * runtime-model.ts measures ours: load, prefill the same prompt in one batch,
 * then greedy decode on the CPU. Prefill is the time to the first generated
 * token; decode counts the tokens after it, as our generate() timings do.
 * node-llama-cpp is not a dependency (its GPU builds weigh 732 MB):
 * bench/lib/llama-cpp.ts installs it under .cache/llama-cpp.
 */
import { pathToFileURL } from 'node:url';
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
      createContext(options: { contextSize: number; batchSize: number; threads: number; sequences: 1 }): Promise<{ getSequence(): Sequence }>;
      dispose(): Promise<void>;
    }>;
  }>;
}

const flags = parseFlags(process.argv.slice(2));
const threads = Number(flags.threads ?? 2);
const promptTokens = Number(flags['prompt-tokens'] ?? 512);
const newTokens = Number(flags['new-tokens'] ?? 128);
const { getLlama } = (await import(pathToFileURL(LLAMA_CPP_ENTRY).href)) as NodeLlamaCpp;

const started = performance.now();
const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' });
const model = await llama.loadModel({ modelPath: flags.gguf as string, gpuLayers: 0 });
const context = await model.createContext({ contextSize: promptTokens + newTokens, batchSize: promptTokens, threads, sequences: 1 });
const loadMs = performance.now() - started;
const loadRssMb = peakRssMb();

const sequence = context.getSequence();
const tokens = benchPromptTokens(promptTokens, Number(flags['vocab-size']));
const t0 = performance.now();
let firstAt = 0;
let generated = 0;
for await (const _token of sequence.evaluate(tokens, { temperature: 0 })) {
  generated++;
  if (generated === 1) firstAt = performance.now();
  if (generated === newTokens) break;
}
const end = performance.now();
printResult({
  load_ms: round(loadMs, 0),
  peak_rss_mb: round(loadRssMb, 0),
  peak_rss_after_generate_mb: round(peakRssMb(), 0),
  prefill_tokens_per_s: round(promptTokens / ((firstAt - t0) / 1000)),
  decode_tokens_per_s: round((generated - 1) / ((end - firstAt) / 1000)),
  generated_tokens: generated,
  system_info: llama.systemInfo,
});
await model.dispose();
