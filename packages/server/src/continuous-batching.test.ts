/**
 * Continuous batching through the real server: the tiny random model in the
 * worker, four LoRA skills and the base, concurrent HTTP requests (streamed
 * and not) sharing the worker's decode batch. Every reply is token for token
 * the reply the same request gets alone; clients that disconnect free their
 * row and their adapter's pin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_SHAPES, writeFixtureModel } from '@plugboard/core/testing';
import { writeFixtureSkill } from '@plugboard/skills/testing';
import type { PlugboardServer } from './create-server.ts';
import { serve } from './serve.ts';

const tmp = mkdtempSync(join(tmpdir(), 'plugboard-batching-'));
const SKILLS = ['sql', 'hr', 'docs', 'math'];
let server: PlugboardServer;
let url = '';
let base = '';

beforeAll(async () => {
  process.env.PLUGBOARD_CACHE_DIR = join(tmp, 'cache');
  const { dir, config } = writeFixtureModel(join(tmp, 'model'), { ...TINY_SHAPES, seed: 21 });
  base = basename(dir);
  SKILLS.forEach((name, i) => writeFixtureSkill(join(tmp, 'skills', name), { config, name, rank: 8, modules: ['q', 'k', 'v', 'o'], seed: i + 1 }));
  ({ server, url } = await serve({ model: dir, skills: join(tmp, 'skills'), port: 0, config: { limits: { bodyBytes: 1 << 20, batch: 8, queue: 64, timeoutMs: 120_000 } } }));
}, 240_000);
afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

interface Case {
  model: string;
  content: string;
  maxTokens: number;
  stream: boolean;
}

interface Reply {
  text: string;
  finish: string | null;
  completionTokens: number;
  /** usage.prompt_tokens: right for each request even when they run concurrently */
  promptTokens: number;
}

/** One greedy request; the reply text, finish reason and completion tokens, or 'aborted' when `disconnectAfter` chunks have come. */
async function request(c: Case, disconnectAfter?: number): Promise<Reply | 'aborted'> {
  const abort = new AbortController();
  const body = { model: c.model, stream: c.stream, ...(c.stream ? { stream_options: { include_usage: true } } : {}), temperature: 0, max_tokens: c.maxTokens, messages: [{ role: 'user', content: c.content }] };
  try {
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: abort.signal });
    expect(response.status).toBe(200);
    if (!c.stream) {
      const json = (await response.json()) as { choices: Array<{ message: { content: string }; finish_reason: string }>; usage: { completion_tokens: number; prompt_tokens: number } };
      return { text: json.choices[0]?.message.content ?? '', finish: json.choices[0]?.finish_reason ?? null, completionTokens: json.usage.completion_tokens, promptTokens: json.usage.prompt_tokens };
    }
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let raw = '';
    let chunks = 0;
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      raw += decoder.decode(part.value, { stream: true });
      if (disconnectAfter !== undefined && ++chunks >= disconnectAfter) {
        // go away without reading on: a read after abort() can stay pending forever in undici when the body had just ended
        abort.abort();
        void reader.cancel().catch(() => undefined);
        return 'aborted';
      }
    }
    const events = raw.split('\n\n').filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)) as { choices: Array<{ delta: { content?: string }; finish_reason: string | null }>; usage?: { completion_tokens: number; prompt_tokens: number } });
    const usage = events.find((e) => e.usage !== undefined)?.usage;
    return {
      text: events.map((e) => e.choices[0]?.delta.content ?? '').join(''),
      finish: events.map((e) => e.choices[0]?.finish_reason ?? null).find((f) => f !== null) ?? null,
      completionTokens: usage?.completion_tokens ?? -1,
      promptTokens: usage?.prompt_tokens ?? -1,
    };
  } catch (error) {
    if (abort.signal.aborted) return 'aborted';
    throw error;
  }
}

/** Waits until the worker's batch is empty and no adapter is pinned; returns what it saw last. */
async function untilIdle() {
  let batch = await server.context.host.batchState();
  let pinned = (await server.context.host.bankState()).resident.filter((r) => r.pinned);
  for (let i = 0; i < 300 && (batch.decoding + batch.prefilling + batch.waiting > 0 || pinned.length > 0 || server.context.queue.depth > 0); i++) {
    await new Promise((r) => setTimeout(r, 10));
    batch = await server.context.host.batchState();
    pinned = (await server.context.host.bankState()).resident.filter((r) => r.pinned);
  }
  return { batch, pinned, queue: server.context.queue.depth };
}

const cases = (count: number, offset: number): Case[] =>
  Array.from({ length: count }, (_, i) => ({
    model: [...SKILLS, base][(i + offset) % 5] as string,
    content: `request ${i + offset}: tell me about item ${(i * 7 + offset) % 13}`,
    maxTokens: 12 + ((i * 5) % 20),
    stream: i % 2 === 0,
  }));

describe('continuous batching in the server', () => {
  it('32 concurrent greedy requests over 4 skills and the base: each reply equals the same request served alone, none lost', async () => {
    const all = cases(32, 0);
    const alone: (Reply | 'aborted')[] = [];
    for (const c of all) alone.push(await request(c));
    const together = await Promise.all(all.map((c) => request(c)));
    expect(together).toEqual(alone);
    expect(alone.every((r) => r !== 'aborted' && r.completionTokens > 0)).toBe(true);
    // the requests shared decode steps (the batch holds up to 8 rows)
    const state = await server.context.host.batchState();
    expect(state.mostRows).toBeGreaterThan(1);
    expect(state.mostRows).toBeLessThanOrEqual(8);
    // and the skills' adapters made a difference: not every model gave the same reply to one prompt
    const one = { content: 'the same question', maxTokens: 10, stream: false };
    const replies: (Reply | 'aborted')[] = [];
    for (const model of [...SKILLS, base]) replies.push(await request({ ...one, model }));
    expect(new Set(replies.map((r) => (r === 'aborted' ? r : r.text))).size).toBeGreaterThan(1);
  });

  it('clients that disconnect mid-stream free their rows and pins; the others still get their alone replies', async () => {
    const all = cases(16, 3).map((c) => ({ ...c, stream: true, maxTokens: 40 }));
    const alone: (Reply | 'aborted')[] = [];
    for (const c of all) alone.push(await request(c));
    const together = await Promise.all(all.map((c, i) => request(c, i % 3 === 0 ? 2 : undefined)));
    all.forEach((_, i) => {
      if (i % 3 !== 0) expect(together[i]).toEqual(alone[i]);
    });
    expect(together.filter((t) => t === 'aborted').length).toBeGreaterThan(0);
    const idle = await untilIdle();
    expect(idle).toMatchObject({ batch: { decoding: 0, prefilling: 0, waiting: 0 }, pinned: [], queue: 0 });
  });
});
