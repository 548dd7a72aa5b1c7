/**
 * One model measured in its own process (so peak RSS is this model's alone).
 * `--phase build`: build the graph from the HF weights, ignoring the cache.
 * `--phase run`: load from the graph cache, prefill a prompt, decode greedily.
 * `--no-prepack`: fp32 weights read in place (loadModel's prepackWeights: false).
 * `--int8-kernel auto|nbits|dynamic`: the int8 matmul (loadModel's int8Kernel).
 * `--prefill-dtype int8`: prompts prefilled by a second graph (loadModel's prefillDtype).
 * `--quant-block-size N`: values per int4/int8 scale (loadModel's quantBlockSize).
 * `--attention gqa|matmul`: the attention ops (loadModel's attention).
 */
import { loadModel } from '@plugboard/core';
import type { ModelDType } from '@plugboard/core';
import { parseFlags, printResult, round } from './lib/bench-io.ts';
import { benchPromptTokens } from './lib/bench-prompt.ts';
import { peakRssMb } from './lib/peak-rss.ts';

const flags = parseFlags(process.argv.slice(2));
const dir = flags.model as string;
const dtype = (flags.dtype ?? 'fp32') as ModelDType;
const threads = Number(flags.threads ?? 2);
const promptTokens = Number(flags['prompt-tokens'] ?? 512);
const newTokens = Number(flags['new-tokens'] ?? 128);
const cacheDir = flags['cache-dir'];

const started = performance.now();
const prepackWeights = flags['no-prepack'] === undefined;
const int8Kernel = (flags['int8-kernel'] ?? 'nbits') as 'auto' | 'nbits' | 'dynamic';
const prefillDtype = flags['prefill-dtype'] as ModelDType | undefined;
const quantBlockSize = flags['quant-block-size'] ? Number(flags['quant-block-size']) : undefined;
const attention = (flags.attention ?? 'gqa') as 'gqa' | 'matmul';
const model = await loadModel(dir, { dtype, prefillDtype, quantBlockSize, attention, cacheDir, rebuild: flags.phase === 'build', intraOpNumThreads: threads, prepackWeights, int8Kernel });
const loadMs = performance.now() - started;
const loadRssMb = peakRssMb();

if (flags.phase === 'build') {
  printResult({ build_ms: round(loadMs, 0), peak_rss_mb: round(loadRssMb, 0) });
} else {
  const tokens = benchPromptTokens(promptTokens, model.config.vocabSize);
  const [result] = await model.generate({ tokens }, { temperature: 0, maxTokens: newTokens, ignoreEos: true }).result;
  const t = result!.timings;
  printResult({
    load_ms: round(loadMs, 0),
    peak_rss_mb: round(loadRssMb, 0),
    peak_rss_after_generate_mb: round(peakRssMb(), 0),
    prefill_tokens_per_s: round(t.prefillTokensPerSecond),
    decode_tokens_per_s: round(t.decodeTokensPerSecond),
    generated_tokens: t.generatedTokens,
  });
}
await model.dispose();
