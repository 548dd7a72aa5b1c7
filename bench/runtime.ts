/**
 * pnpm bench:runtime [--model DIR] [--dtype fp32|int4|int8] [--prefill-dtype int8] [--int8-kernel auto|nbits|dynamic] [--no-prepack] [--quant-block-size N] [--attention gqa|matmul] [--llama-cpp]
 *
 * Without --model: the tiny fixture (fp32) and a random model with
 * Qwen2.5-0.5B's exact shapes at fp32 (weights prepacked by ORT, the
 * default, and read in place: `prepack: false`), int4, and int8 through both
 * kernels (MatMulNBits; DynamicQuantizeMatMul), and int4 decode with an int8
 * prefill graph on the host's int8 kernel (`prefillDtype`). `host` is the CPU model and
 * the kernel features it has, so figures compare only within one host. Each model is measured in
 * child processes: a first build (graph from HF weights), then a run from
 * the graph cache (load, 512-token prefill, 128 greedy tokens).
 * `--llama-cpp`: each row also runs llama.cpp (node-llama-cpp, installed on
 * first use under .cache/llama-cpp) on a GGUF of the same weights — Q4_0 for
 * int4, Q8_0 for int8, F32 for fp32 — and reports our/their ratios.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cpuFeatures, inspectModel, int8KernelFor, readModelConfig } from '@plugboard/core';
import { QWEN25_05B_SHAPES, TINY_SHAPES, ensureFixtureModel } from '@plugboard/core/testing';
import type { ModelDType } from '@plugboard/core';
import { log, parseFlags, printResult, round } from './lib/bench-io.ts';
import { decodeBytesPerToken } from './lib/decode-bytes.ts';
import { measureReadBandwidth } from './lib/read-bandwidth.ts';
import { GGUF_TYPE_FOR, ensureGguf, ensureNodeLlamaCpp, runLlamaCpp } from './lib/llama-cpp.ts';
import { referenceMaxAbsDiff } from './lib/reference-diff.ts';

const flags = parseFlags(process.argv.slice(2));
const root = join(import.meta.dirname, '..');
const modelsDir = join(root, '.cache', 'bench-models');
const cacheDir = join(root, '.cache', 'bench-graphs');
const promptTokens = Number(flags['prompt-tokens'] ?? 512);
const newTokens = Number(flags['new-tokens'] ?? 128);
const threads = flags.threads ?? '2';

interface Target {
  name: string;
  dir: string;
  dtype: ModelDType;
  /** ORT prepacks the fp32 weights at load (default) or reads them in place */
  prepack: boolean;
  int8Kernel: 'auto' | 'nbits' | 'dynamic';
  /** prompts go through a second graph at this precision (its int8 kernel: the host's) */
  prefillDtype?: ModelDType;
  promptTokens: number;
  newTokens: number;
}

/** The requested prompt and decode lengths, shrunk to fit a model with a short context (stories260K: 512 positions). */
function fitted(dir: string): { promptTokens: number; newTokens: number } {
  const context = readModelConfig(dir).maxPositionEmbeddings;
  if (promptTokens + newTokens <= context) return { promptTokens, newTokens };
  const fittedNew = Math.min(newTokens, Math.floor(context / 4));
  return { promptTokens: Math.min(promptTokens, context - fittedNew), newTokens: fittedNew };
}

function targets(): Target[] {
  const int8Kernel = (flags['int8-kernel'] ?? 'nbits') as Target['int8Kernel'];
  const prefillDtype = flags['prefill-dtype'] as ModelDType | undefined;
  if (flags.model) return [{ name: flags.model, dir: flags.model, dtype: (flags.dtype ?? 'fp32') as ModelDType, ...(prefillDtype ? { prefillDtype } : {}), prepack: flags['no-prepack'] === undefined, int8Kernel, ...fitted(flags.model) }];
  mkdirSync(modelsDir, { recursive: true });
  log('writing fixtures (cached after the first run)');
  const tiny = ensureFixtureModel(join(modelsDir, 'tiny'), { ...TINY_SHAPES, architecture: 'qwen2' }).dir;
  const qwen = ensureFixtureModel(join(modelsDir, 'qwen2.5-0.5b-shaped'), { ...QWEN25_05B_SHAPES, architecture: 'qwen2' }).dir;
  return [
    { name: 'tiny-fixture', dir: tiny, dtype: 'fp32', prepack: true, int8Kernel, ...fitted(tiny) },
    { name: 'qwen2.5-0.5b-shaped', dir: qwen, dtype: 'fp32', prepack: true, int8Kernel, ...fitted(qwen) },
    { name: 'qwen2.5-0.5b-shaped', dir: qwen, dtype: 'fp32', prepack: false, int8Kernel, ...fitted(qwen) },
    { name: 'qwen2.5-0.5b-shaped', dir: qwen, dtype: 'int4', prepack: true, int8Kernel, ...fitted(qwen) },
    { name: 'qwen2.5-0.5b-shaped', dir: qwen, dtype: 'int4', prefillDtype: 'int8', prepack: true, int8Kernel, ...fitted(qwen) },
    { name: 'qwen2.5-0.5b-shaped', dir: qwen, dtype: 'int8', prepack: true, int8Kernel: 'nbits', ...fitted(qwen) },
    { name: 'qwen2.5-0.5b-shaped', dir: qwen, dtype: 'int8', prepack: true, int8Kernel: 'dynamic', ...fitted(qwen) },
  ];
}

/** The int8 kernel a target runs: `auto` resolves as loadModel resolves it on this host. */
const hostInt8Kernel = int8KernelFor(cpuFeatures());
function resolvedKernel(target: Target): 'nbits' | 'dynamic' {
  return target.int8Kernel === 'auto' ? hostInt8Kernel : target.int8Kernel;
}

function child(target: Target, phase: 'build' | 'run'): Record<string, number> {
  const args = ['--import', 'tsx', join(import.meta.dirname, 'runtime-model.ts'), '--model', target.dir, '--dtype', target.dtype, '--phase', phase];
  args.push('--cache-dir', cacheDir, '--threads', threads, '--prompt-tokens', String(target.promptTokens), '--new-tokens', String(target.newTokens));
  if (!target.prepack) args.push('--no-prepack');
  args.push('--int8-kernel', target.int8Kernel);
  if (target.prefillDtype) args.push('--prefill-dtype', target.prefillDtype);
  if (flags['quant-block-size']) args.push('--quant-block-size', flags['quant-block-size']);
  if (flags.attention) args.push('--attention', flags.attention);
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  return JSON.parse(out) as Record<string, number>;
}

/**
 * `--llama-cpp`: llama.cpp on the same weights at the matching precision
 * (Q4_0 / Q8_0 / F32), measured right after our run of that precision, once
 * per model and precision.
 */
const withLlamaCpp = flags['llama-cpp'] !== undefined;
if (withLlamaCpp) ensureNodeLlamaCpp();
const llamaCppRuns = new Map<string, Record<string, number | string>>();
function llamaCpp(target: Target): Record<string, number | string> {
  const key = `${target.dir}:${target.dtype}`;
  const known = llamaCppRuns.get(key);
  if (known) return known;
  const gguf = ensureGguf(target.dir, target.dtype, join(modelsDir, 'gguf'));
  log(`llama.cpp ${GGUF_TYPE_FOR[target.dtype]}: load, prefill ${target.promptTokens}, decode ${target.newTokens}`);
  const run = runLlamaCpp(gguf, { vocabSize: readModelConfig(target.dir).vocabSize, threads: Number(threads), promptTokens: target.promptTokens, newTokens: target.newTokens });
  const result = { gguf_type: GGUF_TYPE_FOR[target.dtype], ...run };
  llamaCppRuns.set(key, result);
  return result;
}

const runs = targets().map((target) => {
  const label = `${target.name} ${target.dtype}${target.dtype === 'int8' ? ` (${resolvedKernel(target)})` : ''}${target.prepack ? '' : ' (no prepack)'}${target.prefillDtype ? ` + ${target.prefillDtype} prefill (${hostInt8Kernel})` : ''}`;
  log(`${label}: first build`);
  const build = child(target, 'build');
  // the build just wrote the graph: flush it to disk first, or the write-back competes with the run
  execFileSync('sync');
  log(`${label}: load from cache, prefill ${target.promptTokens}, decode ${target.newTokens}`);
  const run = child(target, 'run');
  return { target, build, run, ...(withLlamaCpp ? { llama: llamaCpp(target) } : {}) };
});
// measured after the children, whose peak RSS would otherwise include this 1 GiB
log('measuring read bandwidth (ReduceSum and an fp32 GEMV over 1 GiB)');
const probes = await measureReadBandwidth(1024 ** 3, Number(threads));
const bandwidth = probes.best_gbps;
log(`read bandwidth ${JSON.stringify(probes)}`);

const models = runs.map(({ target, build, run, llama }) => {
  const info = inspectModel(target.dir);
  const bytesPerToken = decodeBytesPerToken(info.config, target.dtype, target.promptTokens + target.newTokens / 2);
  // a prefill graph holds its own copy of the weights
  const modelBytes = info.memoryBytes[target.dtype] + (target.prefillDtype ? info.memoryBytes[target.prefillDtype] : 0);
  return {
    name: target.name,
    dtype: target.dtype,
    ...(target.dtype === 'int8' ? { int8_kernel: resolvedKernel(target) } : {}),
    ...(target.prefillDtype ? { prefill_dtype: target.prefillDtype, prefill_int8_kernel: hostInt8Kernel } : {}),
    prepack_weights: target.prepack,
    attention: flags.attention ?? 'gqa',
    ...(flags['quant-block-size'] && target.dtype !== 'fp32' ? { quant_block_size: Number(flags['quant-block-size']) } : {}),
    prompt_tokens: target.promptTokens,
    new_tokens: target.newTokens,
    model_bytes: modelBytes,
    load_ms: run.load_ms,
    first_build_ms: build.build_ms,
    cache_load_speedup: round((build.build_ms as number) / (run.load_ms as number), 1),
    peak_rss_mb: run.peak_rss_mb,
    peak_rss_build_mb: build.peak_rss_mb,
    // after the run too: mapped weights count once they are read, and activations/KV add up
    peak_rss_after_generate_mb: run.peak_rss_after_generate_mb,
    peak_rss_vs_model_size: round(((run.peak_rss_mb as number) * 1024 * 1024) / modelBytes, 2),
    prefill_tokens_per_s: run.prefill_tokens_per_s,
    decode_tokens_per_s: run.decode_tokens_per_s,
    bandwidth_bound_tokens_per_s: round((bandwidth * 1e9) / bytesPerToken),
    decode_vs_bound: round((run.decode_tokens_per_s as number) / ((bandwidth * 1e9) / bytesPerToken), 2),
    ...(llama
      ? {
          llama_cpp: llama,
          prefill_vs_llama_cpp: round((run.prefill_tokens_per_s as number) / (llama.prefill_tokens_per_s as number)),
          decode_vs_llama_cpp: round((run.decode_tokens_per_s as number) / (llama.decode_tokens_per_s as number)),
        }
      : {}),
  };
});

// the reference forward comparison the tests assert, reported here too
printResult({ host: cpuFeatures(), reference_max_abs_diff: await referenceMaxAbsDiff(join(modelsDir, 'tiny-ref')), read_bandwidth_gbps: bandwidth, read_bandwidth_probes: probes, models });
