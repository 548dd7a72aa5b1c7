/**
 * llama.cpp, side by side: the GGUF of a bench model at the precision that
 * matches ours (convert_hf_to_gguf + llama-quantize's reference quantizers,
 * from the test-only writer), and node-llama-cpp installed on first use
 * under .cache/llama-cpp (not a dependency: 732 MB with its GPU builds; its
 * CPU build picks the host's variant — AVX2, AVX-512, AMX — at load).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ModelDType } from '@plugboard/core';
import { ggufFromHfFolder } from '../../packages/core/src/gguf/testing/gguf-writer.ts';
import { log } from './bench-io.ts';

export const LLAMA_CPP_VERSION = '3.21.1';
const root = join(import.meta.dirname, '..', '..');
const installDir = join(root, '.cache', 'llama-cpp');
export const LLAMA_CPP_ENTRY = join(installDir, 'node_modules', 'node-llama-cpp', 'dist', 'index.js');

/** llama.cpp's format for each of our precisions: Q4_0 and Q8_0 are its int4/int8 with 32-value blocks. */
export const GGUF_TYPE_FOR: Record<ModelDType, 'F32' | 'Q8_0' | 'Q4_0'> = { fp32: 'F32', int8: 'Q8_0', int4: 'Q4_0' };

export function ensureNodeLlamaCpp(): void {
  if (existsSync(LLAMA_CPP_ENTRY)) return;
  log(`installing node-llama-cpp@${LLAMA_CPP_VERSION} under ${installDir} (once)`);
  mkdirSync(installDir, { recursive: true });
  writeFileSync(join(installDir, 'package.json'), JSON.stringify({ name: 'plugboard-llama-cpp-bench', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '-E', `node-llama-cpp@${LLAMA_CPP_VERSION}`], { cwd: installDir, stdio: 'inherit' });
}

/** The model folder as a GGUF of `dtype`'s llama.cpp type, written once next to the folder's other bench files. */
export function ensureGguf(modelDir: string, dtype: ModelDType, outDir: string): string {
  const type = GGUF_TYPE_FOR[dtype];
  const path = join(outDir, `${basename(modelDir)}-${type}.gguf`);
  if (existsSync(path) && statSync(path).mtimeMs >= statSync(join(modelDir, 'model.safetensors')).mtimeMs) return path;
  log(`converting ${basename(modelDir)} to GGUF ${type}`);
  mkdirSync(outDir, { recursive: true });
  ggufFromHfFolder(modelDir, path, { type });
  // flushed before llama.cpp maps it: a write-back of the fresh file would compete with its run
  execFileSync('sync');
  return path;
}

export interface LlamaCppRun {
  vocabSize: number;
  threads: number;
  promptTokens: number;
  newTokens: number;
  /** N sequences of one context at once, reported as aggregate tokens/s and TTFT; absent: one, prefill and decode apart */
  sequences?: number;
}

/** bench/llama-cpp-model.ts on `gguf` in its own process; what it printed. */
export function runLlamaCpp(gguf: string, run: LlamaCppRun): Record<string, number | string> {
  const args = ['--import', 'tsx', join(import.meta.dirname, '..', 'llama-cpp-model.ts'), '--gguf', gguf, '--vocab-size', String(run.vocabSize), '--threads', String(run.threads)];
  args.push('--prompt-tokens', String(run.promptTokens), '--new-tokens', String(run.newTokens));
  if (run.sequences !== undefined) args.push('--sequences', String(run.sequences));
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 })) as Record<string, number | string>;
}
