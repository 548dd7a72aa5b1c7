/**
 * Server benchmark: `plugboard serve` (model in a worker thread, concurrent
 * requests in one continuous decode batch) under 1, 4, 8, 16 concurrent
 * streaming clients, each pinned to its own rank-16 LoRA skill; /health is
 * polled during the load. Prints one JSON object on stdout.
 * `--llama-cpp`: each row also runs llama.cpp on a GGUF of the same weights
 * (Q4_0 / Q8_0 / F32 for int4 / int8 / fp32): one context, N sequences
 * generating at once (batched by llama.cpp, no adapters: it cannot batch
 * different LoRAs), 128-token prompts, 64 greedy tokens each.
 * `--prefill-dtype int8`: prompts prefilled by an int8 graph (serve's prefillDtype).
 * Run: pnpm bench:server [--preset tiny|qwen2.5-0.5b] [--dtype fp32|int8|int4] [--prefill-dtype int8] [--clients 1,4,8,16] [--llama-cpp]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { QWEN25_05B_SHAPES, TINY_SHAPES, writeFixtureModel } from '../packages/core/src/testing.ts';
import { percentile } from '../packages/router/src/eval/percentile.ts';
import { serve } from '../packages/server/src/serve.ts';
import { writeFixtureSkill } from '../packages/skills/src/testing.ts';
import { log, parseFlags, printResult, round } from './lib/bench-io.ts';
import { ensureGguf, ensureNodeLlamaCpp, runLlamaCpp } from './lib/llama-cpp.ts';

const flags = parseFlags(process.argv.slice(2));
const preset = flags.preset ?? 'tiny';
const dtype = (flags.dtype ?? 'fp32') as 'fp32' | 'int8' | 'int4';
const prefillDtype = flags['prefill-dtype'] as typeof dtype | undefined;
const clientCounts = (flags.clients ?? '1,4,8,16').split(',').map(Number);
const NEW_TOKENS = 64;
const LLAMA_CPP_PROMPT_TOKENS = 128;
const PROMPT = 'Summarize the maintenance log of pump station seven for the weekly report. '.repeat(9); // ~128 tokens

interface ClientRun {
  ttftMs: number;
  itlMs: number[];
  tokens: number;
}

/** One streaming request; times its first content chunk and the gaps between chunks. */
async function client(url: string, model: string): Promise<ClientRun> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, stream_options: { include_usage: true }, max_tokens: NEW_TOKENS, temperature: 0, messages: [{ role: 'user', content: PROMPT }] }),
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ttftMs = -1;
  let last = 0;
  const itlMs: number[] = [];
  let tokens = 0;
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    buffer += decoder.decode(part.value, { stream: true });
    let cut = buffer.indexOf('\n\n');
    for (; cut >= 0; cut = buffer.indexOf('\n\n')) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      if (!event.startsWith('data: {')) continue;
      const chunk = JSON.parse(event.slice(6)) as { choices: Array<{ delta: { content?: string } }>; usage?: { completion_tokens: number } };
      if (chunk.usage) tokens = chunk.usage.completion_tokens;
      if (!chunk.choices[0]?.delta.content) continue;
      const now = performance.now();
      if (ttftMs < 0) ttftMs = now - started;
      else itlMs.push(now - last);
      last = now;
    }
  }
  return { ttftMs, itlMs, tokens };
}

interface Row {
  clients: number;
  aggregate_decode_tokens_per_s: number;
  [key: string]: unknown;
}

/** llama.cpp with as many sequences as each row has clients, in its own process per row. */
function llamaCppRows(modelDir: string, vocabSize: number, ggufDir: string, rows: Row[]): Row[] {
  ensureNodeLlamaCpp();
  const gguf = ensureGguf(modelDir, dtype, ggufDir);
  return rows.map((row) => {
    log(`llama.cpp: ${row.clients} sequences`);
    const llama = runLlamaCpp(gguf, { vocabSize, threads: 2, promptTokens: LLAMA_CPP_PROMPT_TOKENS, newTokens: NEW_TOKENS, sequences: row.clients });
    return { ...row, llama_cpp: llama, aggregate_vs_llama_cpp: round(row.aggregate_decode_tokens_per_s / (llama.aggregate_decode_tokens_per_s as number), 2) };
  });
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'plugboard-bench-server-'));
  try {
    const shapes = preset === 'qwen2.5-0.5b' ? QWEN25_05B_SHAPES : TINY_SHAPES;
    const { dir, config } = writeFixtureModel(join(tmp, 'model'), { ...shapes, seed: 1 });
    const skills = Math.max(...clientCounts);
    for (let i = 0; i < skills; i++) writeFixtureSkill(join(tmp, 'skills', `s${i}`), { config, name: `s${i}`, rank: 16, modules: ['q', 'k', 'v', 'o'], seed: i + 1 });
    log(`loading ${preset} (${dtype}) with ${skills} skills in the worker`);
    const { server, url } = await serve({ model: dir, skills: join(tmp, 'skills'), dtype, ...(prefillDtype ? { prefillDtype } : {}), port: 0, config: { limits: { bodyBytes: 1 << 20, queue: 64, timeoutMs: 600_000 } } });
    const rows: Row[] = [];
    try {
      await client(url, 's0'); // warm-up
      for (const clients of clientCounts) {
        const health: number[] = [];
        let loaded = true;
        const poller = (async () => {
          while (loaded) {
            const t = performance.now();
            await fetch(`${url}/health`);
            health.push(performance.now() - t);
            await new Promise((r) => setTimeout(r, 20));
          }
        })();
        const started = performance.now();
        const runs = await Promise.all(Array.from({ length: clients }, (_, i) => client(url, `s${i}`)));
        const wallS = (performance.now() - started) / 1000;
        loaded = false;
        await poller;
        const tokens = runs.reduce((s, r) => s + r.tokens, 0);
        const row = {
          clients,
          aggregate_decode_tokens_per_s: round(tokens / wallS, 1),
          ttft_p50_ms: round(percentile(runs.map((r) => r.ttftMs), 50) ?? 0, 1),
          ttft_p99_ms: round(percentile(runs.map((r) => r.ttftMs), 99) ?? 0, 1),
          itl_p99_ms: round(percentile(runs.flatMap((r) => r.itlMs), 99) ?? 0, 1),
          health_p99_ms: round(percentile(health, 99) ?? 0, 1),
        };
        log(JSON.stringify(row));
        rows.push(row);
      }
    } finally {
      await server.close();
    }
    // after our server is down, so the two never share the cores
    const measured = flags['llama-cpp'] === undefined ? rows : llamaCppRows(dir, config.vocabSize, join(tmp, 'gguf'), rows);
    printResult({ host: `${cpus().length}x ${cpus()[0]?.model ?? 'cpu'}`, preset, dtype, prefill_dtype: prefillDtype ?? dtype, new_tokens: NEW_TOKENS, scheduling: 'continuous batching in one model worker (limits.batch rows, prompts prefilled alone between decode steps)', rows: measured });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
