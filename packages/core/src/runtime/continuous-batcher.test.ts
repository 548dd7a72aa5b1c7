/**
 * Continuous batching: requests on different adapter slots, with their own
 * sampling, stops and constraints, share decode steps and still get exactly
 * the tokens each gets alone; rows that are aborted or closed leave at the
 * next token boundary without changing the others; newcomers join mid-stream.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isPlugboardError } from '../errors/plugboard-error.ts';
import type { GenerationResult } from '../events/model-events.ts';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import type { AdapterSlotLayout } from '../model/adapter-slots.ts';
import { randomSlotTensors } from '../reference/random-model.ts';
import { abortAfterTokens, expectPlugboardError, useTempDir } from '../testing/test-helpers.ts';
import { ContinuousBatcher } from './continuous-batcher.ts';
import { Conversation } from './conversation.ts';
import type { GenerateOptions } from './generate.ts';
import type { Model } from './load-model.ts';
import { loadModel } from './load-model.ts';

const tmp = useTempDir('batcher');
const LAYOUT: AdapterSlotLayout = { slots: 4, lora: { rank: 4, modules: ['q', 'v', 'up'] } };
let model: Model;

beforeAll(async () => {
  const dir = writeFixtureModel(join(tmp, 'model'), { ...TINY_SHAPES, architecture: 'qwen2', seed: 11 }).dir;
  // small prefill chunks: prompts longer than 6 tokens are prefilled in several runs, interleaved with decode steps
  model = await loadModel(dir, { cacheDir: join(tmp, 'graphs'), adapters: LAYOUT, prefillChunkTokens: 6, contextLength: 256 });
  for (const [name, tensor] of randomSlotTensors(model.config, LAYOUT, 7, 0.5)) model.slots.get(name)!.data.set(tensor.data);
});
afterAll(() => model.dispose());

interface Job {
  tokens: number[];
  slot: number;
  options: GenerateOptions;
}

const prompt = (n: number, seed: number) => Array.from({ length: n }, (_, i) => (seed * 37 + i * 11 + 5) % 480);

/** Job i: its own prompt length, adapter slot, sampling (greedy or seeded) and length. */
function job(i: number, extra: GenerateOptions = {}): Job {
  const sampled = i % 2 === 1;
  return {
    tokens: prompt(3 + ((i * 5) % 14), i + 1),
    slot: i % LAYOUT.slots,
    options: { ignoreEos: true, maxTokens: 4 + ((i * 3) % 9), ...(sampled ? { temperature: 0.9, topK: 40, seed: 100 + i } : { temperature: 0 }), ...extra },
  };
}

async function alone(j: Job): Promise<GenerationResult> {
  return model.complete({ tokens: j.tokens }, { ...j.options, adapterSlot: j.slot });
}

function submit(batcher: ContinuousBatcher, j: Job) {
  return batcher.generate({ tokens: j.tokens, adapterSlot: j.slot }, j.options);
}

/** The most rows that decoded together, sampled at every token. */
function watchRows(batcher: ContinuousBatcher): () => number {
  let most = 0;
  const onToken = () => {
    most = Math.max(most, batcher.load.decoding);
  };
  model.events.on('generate:token', onToken);
  return () => {
    model.events.off('generate:token', onToken);
    return most;
  };
}

describe('ContinuousBatcher', () => {
  it('concurrent requests on different adapters and seeds give exactly the tokens each gives alone', async () => {
    const jobs = Array.from({ length: 8 }, (_, i) => job(i));
    const expected = [];
    for (const j of jobs) expected.push(await alone(j));
    const batcher = new ContinuousBatcher(model);
    const most = watchRows(batcher);
    const results = await Promise.all(jobs.map(async (j) => (await submit(batcher, j).result)[0]!));
    expect(most()).toBe(8); // the rows really shared decode steps
    expect(results.map((r) => r.tokens)).toEqual(expected.map((r) => r.tokens));
    expect(results.map((r) => r.text)).toEqual(expected.map((r) => r.text));
    expect(results.map((r) => r.finishReason)).toEqual(expected.map(() => 'length'));
    // not vacuous: the adapters change what the same prompt generates
    const bySlot = await Promise.all([0, 1, 2, 3].map((slot) => alone({ ...job(0), slot })));
    expect(new Set(bySlot.map((r) => r.tokens.join(','))).size).toBeGreaterThan(1);
    expect(batcher.load).toEqual({ decoding: 0, prefilling: 0, waiting: 0 });
  });

  it('32 requests through 6 rows: every one equals itself alone, none lost', async () => {
    const jobs = Array.from({ length: 32 }, (_, i) => job(i + 3));
    const expected = [];
    for (const j of jobs) expected.push((await alone(j)).tokens);
    const batcher = new ContinuousBatcher(model, { maxRows: 6 });
    const most = watchRows(batcher);
    const results = await Promise.all(jobs.map(async (j) => (await submit(batcher, j).result)[0]!.tokens));
    expect(most()).toBe(6);
    expect(results).toEqual(expected);
  });

  it('each row keeps its own stop strings, stop tokens and constraint', async () => {
    const free = await alone(job(2));
    const stopToken = free.tokens[2]!;
    const schema = { type: 'json_schema' as const, schema: z.toJSONSchema(z.object({ ok: z.boolean() })) };
    const jobs = [job(0), { ...job(2), options: { ...job(2).options, stopTokenIds: [stopToken] } }, { ...job(4), options: { temperature: 0, maxTokens: 40, constraint: schema } }, job(5)];
    const expected = [];
    for (const j of jobs) expected.push(await alone(j));
    expect(expected[1]!.finishReason).toBe('stop');
    expect(expected[1]!.stoppedBy).toBe(stopToken);
    expect(JSON.parse(expected[2]!.text)).toHaveProperty('ok');
    const batcher = new ContinuousBatcher(model);
    const results = await Promise.all(jobs.map(async (j) => (await submit(batcher, j).result)[0]!));
    expect(results.map((r) => [r.tokens, r.text, r.finishReason, r.stoppedBy])).toEqual(expected.map((r) => [r.tokens, r.text, r.finishReason, r.stoppedBy]));
  });

  it('a request aborted mid-batch frees its row at the next token and leaves the other rows unchanged', async () => {
    const jobs = [job(0, { maxTokens: 12 }), job(1, { maxTokens: 12 }), job(2, { maxTokens: 12 })];
    const expected = [];
    for (const j of jobs) expected.push((await alone(j)).tokens);
    const batcher = new ContinuousBatcher(model);
    const controller = new AbortController();
    const victim = submit(batcher, { ...jobs[1]!, options: { ...jobs[1]!.options, signal: controller.signal, requestId: 'victim' } });
    const others = [submit(batcher, jobs[0]!), submit(batcher, jobs[2]!)];
    let afterAbort = -1;
    const countVictim = (e: { requestId: string }) => {
      if (e.requestId === 'victim' && afterAbort >= 0) afterAbort++;
    };
    model.events.on('generate:token', countVictim);
    const aborted = abortAfterTokens(victim, 3, () => {
      controller.abort();
      afterAbort = 0;
    });
    const [outcome, a, c] = await Promise.all([aborted, others[0]!.result, others[1]!.result]);
    model.events.off('generate:token', countVictim);
    expect(isPlugboardError(outcome.error, 'ABORTED')).toBe(true);
    // what it streamed (tokens already decoded when the abort came included) is its own alone prefix
    expect(outcome.seen.length).toBeGreaterThanOrEqual(3);
    expect(outcome.seen).toEqual(expected[1]!.slice(0, outcome.seen.length));
    // the step running when the abort came is the last one with the row in it
    expect(afterAbort).toBeLessThanOrEqual(1);
    expect(outcome.seen.length).toBeLessThan(12);
    expect([a[0]!.tokens, c[0]!.tokens]).toEqual([expected[0], expected[2]]);
    expect(batcher.load).toEqual({ decoding: 0, prefilling: 0, waiting: 0 });
  });

  it('a consumer that stops reading (break) ends its row; the stream waits until the row has left', async () => {
    const jobs = [job(0, { maxTokens: 12 }), job(3, { maxTokens: 12 })];
    const expected = [];
    for (const j of jobs) expected.push((await alone(j)).tokens);
    const batcher = new ContinuousBatcher(model);
    const quitter = submit(batcher, jobs[0]!);
    const other = submit(batcher, jobs[1]!);
    const seen: number[] = [];
    for await (const token of quitter) {
      seen.push(token.tokenId);
      if (seen.length === 2) break;
    }
    expect(batcher.load.decoding).toBeLessThanOrEqual(1);
    await expect(quitter.result).rejects.toSatisfy((e) => isPlugboardError(e, 'ABORTED'));
    expect(seen).toEqual(expected[0]!.slice(0, 2));
    expect((await other.result)[0]!.tokens).toEqual(expected[1]);
  });

  it('a request joining mid-stream (with a long, chunked prompt) changes no other row and gets its own tokens', async () => {
    const early = [job(1, { maxTokens: 12 }), job(2, { maxTokens: 12 })];
    const late = { ...job(6, { maxTokens: 6 }), tokens: prompt(20, 9) };
    const expected = [];
    for (const j of [...early, late]) expected.push((await alone(j)).tokens);
    const batcher = new ContinuousBatcher(model, { prefillTokensPerStep: 6 });
    const most = watchRows(batcher);
    const streams = early.map((j) => submit(batcher, j));
    let joined: ReturnType<typeof submit> | undefined;
    let rowsAtJoin = -1;
    const second: number[] = [];
    for await (const token of streams[1]!) {
      second.push(token.tokenId);
      if (second.length === 4) {
        // the newcomer's 20-token prompt is prefilled 6 tokens per step, between the others' decode steps
        joined = submit(batcher, late);
        rowsAtJoin = batcher.load.decoding;
      }
    }
    expect(rowsAtJoin).toBe(2);
    expect(most()).toBe(3);
    expect(second).toEqual(expected[1]);
    expect((await streams[0]!.result)[0]!.tokens).toEqual(expected[0]);
    expect((await joined!.result)[0]!.tokens).toEqual(expected[2]);
  });

  it('refuses bad requests when they are submitted, not inside the batch', () => {
    const batcher = new ContinuousBatcher(model);
    expectPlugboardError(() => batcher.generate({ tokens: prompt(300, 1) }), 'PROMPT_TOO_LONG');
    expectPlugboardError(() => batcher.generate({ tokens: [1, 2], cached: [3] }), 'INVALID_ARGUMENT', 'pass the cache');
    expectPlugboardError(() => new ContinuousBatcher(model, { maxRows: 0 }), 'INVALID_ARGUMENT', 'maxRows');
    expect(batcher.load).toEqual({ decoding: 0, prefilling: 0, waiting: 0 });
  });

  it('conversations whose turns run through the batcher reuse their cache as they do alone', async () => {
    const turns = [prompt(7, 1), prompt(4, 2), prompt(5, 3)];
    const run = async (conversation: Conversation, slot: number) => {
      const out = [];
      for (const tokens of turns) {
        const [r] = await conversation.send(tokens, { adapter: { slot, id: `slot-${slot}` }, temperature: 0, maxTokens: 5, ignoreEos: true }).result;
        out.push({ tokens: r!.tokens, reused: conversation.lastTurn.reused });
      }
      return out;
    };
    const expected = [await run(new Conversation(model), 1), await run(new Conversation(model), 2)];
    const batcher = new ContinuousBatcher(model);
    const runner = batcher.generate.bind(batcher);
    const together = await Promise.all([run(new Conversation(model, runner), 1), run(new Conversation(model, runner), 2)]);
    expect(together).toEqual(expected);
    expect(expected[0]![2]!.reused).toBeGreaterThan(0);
  });
});
