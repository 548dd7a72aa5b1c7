import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import { useTempDir } from '../testing/test-helpers.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import type { AdapterSlotLayout } from '../model/adapter-slots.ts';
import { randomSlotTensors } from '../reference/random-model.ts';
import { Conversation } from './conversation.ts';
import type { TurnAdapter } from './conversation.ts';
import type { GenerationHost } from './generate.ts';
import { maxAbsDiff } from '../reference/max-abs-diff.ts';
import { isPlugboardError } from '../errors/plugboard-error.ts';
import type { ErrorCode } from '../errors/plugboard-error.ts';
import { generateRows } from './generate.ts';
import type { ActivationMode } from './kv-provenance.ts';
import type { Model } from './load-model.ts';
import { loadModel } from './load-model.ts';
import { KvCache } from './kv-cache.ts';
import { prefill } from './prefill.ts';

const tmp = useTempDir('conversation');
let model: Model;
const A: TurnAdapter = { slot: 1, id: 'skill-a' };
const B: TurnAdapter = { slot: 2, id: 'skill-b' };

beforeAll(async () => {
  const dir = writeFixtureModel(join(tmp, 'model'), { ...TINY_SHAPES, seed: 21 }).dir;
  const layout: AdapterSlotLayout = { slots: 3, lora: { rank: 4, modules: ['q', 'k', 'v', 'o', 'down'] }, bottleneck: { width: 8, activation: 'gelu' } };
  model = await loadModel(dir, { adapters: layout, cacheDir: join(tmp, 'graphs') });
  for (const [name, tensor] of randomSlotTensors(model.config, layout, 5, 0.3)) model.slots.get(name)!.data.set(tensor.data);
});
afterAll(() => model.dispose());

const greedy = { temperature: 0, maxTokens: 5, ignoreEos: true } as const;
const tokens = (n: number, seed: number) => Array.from({ length: n }, (_, i) => (seed * 41 + i * 13) % 500);

/**
 * The model as a generation host that keeps a copy of every run's logits
 * ([1, 1, V]: the graph computes each row's last token only).
 */
function recordingHost(): { host: GenerationHost; logits: Float32Array[] } {
  const logits: Float32Array[] = [];
  const session = new Proxy(model.session, {
    get(target, property) {
      if (property === 'run') {
        return async (...args: Parameters<typeof target.run>) => {
          const outputs = await target.run(...args);
          logits.push((outputs.logits!.data as Float32Array).slice());
          return outputs;
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const host: GenerationHost = {
    config: model.config,
    tokenizer: model.tokenizer,
    session,
    prefillSession: session,
    events: model.events,
    contextLength: model.contextLength,
    prefillChunkTokens: model.prefillChunkTokens,
    slotFeeds: () => model.slotFeeds(),
  };
  return { host, logits };
}

/** The logits each sampled token was drawn from: the last run of the prefill, then one run per decode step. */
const samplingLogits = (runs: Float32Array[], sampled: number) => runs.slice(runs.length - sampled);

/**
 * Generates from scratch with a per-token adapter choice, independently of
 * Conversation: a fresh cache, each span of equal adapters prefilled in order
 * under its own slot (the graph runs one slot per row per run), the last span
 * prefilled and generated from; the tokens and the logits they came from.
 */
async function fromScratch(history: number[], computedUnder: readonly (TurnAdapter | null)[]): Promise<{ tokens: number[]; logits: Float32Array[] }> {
  const spans: { adapter: TurnAdapter | null; tokens: number[] }[] = [];
  history.forEach((token, t) => {
    const adapter = computedUnder[t] ?? null;
    const last = spans.at(-1);
    if (last && last.adapter?.id === adapter?.id) last.tokens.push(token);
    else spans.push({ adapter, tokens: [token] });
  });
  const cache = KvCache.empty(model.config, 1);
  const row = (span: (typeof spans)[number]) => ({ tokens: span.tokens, adapterSlot: span.adapter?.slot ?? 0, adapterMask: span.tokens.map(() => (span.adapter === null ? 0 : 1)) });
  for (const span of spans.slice(0, -1)) await prefill(model.session, cache, [row(span)], model.slotFeeds());
  const { host, logits } = recordingHost();
  const last = spans.at(-1)!;
  const [result] = await generateRows(host, [{ ...row(last), cached: history.slice(0, history.length - last.tokens.length) }], greedy, cache).result;
  return { tokens: result!.tokens, logits: samplingLogits(logits, result!.tokens.length) };
}

interface Turn {
  adapter: TurnAdapter | null;
  input: number[];
  adapterFrom?: number;
}

/**
 * Plays the turns in one conversation; checks every reply, and the logits of
 * every step, against recomputation from scratch under the per-token adapter
 * choice the mode specifies (derived here from the script, not from the
 * conversation): full mode runs the whole history under the turn's adapter;
 * activated mode keeps every earlier token under the adapter that computed it,
 * the previous reply's last token (first fed by this turn) under this adapter
 * when it continues and the base otherwise, and this turn's input under its
 * adapter from `adapterFrom` on.
 */
async function play(turns: Turn[], mode: ActivationMode) {
  const recorder = recordingHost();
  const conversation = new Conversation(recorder.host);
  const reused: number[] = [];
  const prefilled: number[] = [];
  const activated: (TurnAdapter | null)[] = []; // activated mode's choice per token of the history so far
  for (const [i, turn] of turns.entries()) {
    const before = conversation.tokens;
    if (i > 0) activated.push(turns[i - 1]!.adapter?.id === turn.adapter?.id ? turn.adapter : null);
    activated.push(...turn.input.map((_, j) => (j < (turn.adapterFrom ?? 0) ? null : turn.adapter)));
    recorder.logits.length = 0;
    const [result] = await conversation.send(turn.input, { ...greedy, adapter: turn.adapter, mode, adapterFrom: turn.adapterFrom }).result;
    const turnLogits = samplingLogits(recorder.logits, result!.tokens.length);
    reused.push(conversation.lastTurn.reused);
    prefilled.push(conversation.lastTurn.prefilled);
    const history = [...before, ...turn.input];
    const scratch = await fromScratch(history, mode === 'full' ? history.map(() => turn.adapter) : activated);
    expect(result!.tokens, `turn ${i}`).toEqual(scratch.tokens);
    expect(turnLogits).toHaveLength(greedy.maxTokens);
    turnLogits.forEach((logits, step) => expect(maxAbsDiff(logits, scratch.logits[step]!), `turn ${i} step ${step}`).toBeLessThanOrEqual(1e-4));
    expect(conversation.tokens).toEqual([...history, ...result!.tokens]);
    // the reply's tokens but the last (fed by the next turn) were computed under the turn's adapter
    activated.push(...result!.tokens.slice(0, -1).map(() => turn.adapter));
  }
  return { conversation, reused, prefilled };
}

// base → A → A → B (its first 2 new tokens under the base) → A → base
const script: Turn[] = [
  { adapter: null, input: tokens(12, 1) },
  { adapter: A, input: tokens(4, 2) },
  { adapter: A, input: tokens(3, 3) },
  { adapter: B, input: tokens(5, 4), adapterFrom: 2 },
  { adapter: A, input: tokens(3, 5) },
  { adapter: null, input: tokens(2, 6) },
];

describe('conversation: prefix sharing across skills', () => {
  it('activated mode equals span-by-span recomputation from scratch and prefills only the new tokens on every switch', async () => {
    const { conversation, reused, prefilled } = await play(script, 'activated');
    // a reply's last token is not cached until the next turn feeds it: every later turn reuses the whole cache
    // and prefills that one token plus its input, also A → B, B → A and A → base (A's span is not recomputed)
    expect(reused.slice(1)).toEqual([16, 25, 33, 43, 51]);
    expect(prefilled).toEqual([12, 4 + 1, 3 + 1, 5 + 1, 3 + 1, 2 + 1]);
    expect(conversation.spans).toEqual([
      { start: 0, end: 17, adapter: null },
      { start: 17, end: 33, adapter: 'skill-a' },
      { start: 33, end: 36, adapter: null }, // A's last token (fed by B's turn, before B's invocation point) and B's first 2 inputs
      { start: 36, end: 43, adapter: 'skill-b' },
      { start: 43, end: 44, adapter: null },
      { start: 44, end: 51, adapter: 'skill-a' },
      { start: 51, end: 58, adapter: null },
    ]);
  });

  it('full mode equals recomputation from scratch and recomputes everything on a switch', async () => {
    const { reused } = await play(
      script.map(({ adapterFrom: _, ...turn }) => turn),
      'full',
    );
    expect(reused[1]).toBe(0);
    expect(reused[2]).toBeGreaterThan(0);
    expect(reused[3]).toBe(0);
  });

  it('records which adapter computed each span', async () => {
    const conversation = model.conversation();
    await conversation.send(tokens(6, 6), { ...greedy, adapter: null }).result;
    await conversation.send(tokens(3, 7), { ...greedy, adapter: A, mode: 'activated' }).result;
    expect(conversation.spans).toEqual([
      { start: 0, end: 6 + 5, adapter: null },
      { start: 11, end: 11 + 3 + 4, adapter: 'skill-a' },
    ]);
  });

  it('an aborted turn leaves a consistent conversation that keeps working', async () => {
    const conversation = model.conversation();
    const controller = new AbortController();
    const stream = conversation.send(tokens(5, 8), { ...greedy, maxTokens: 20, signal: controller.signal, adapter: A });
    let seen = 0;
    await expect(
      (async () => {
        for await (const _ of stream) if (++seen === 2) controller.abort();
      })(),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    expect(conversation.tokens.length).toBe(5 + 2);
    const before = conversation.tokens;
    const [next] = await conversation.send(tokens(2, 9), { ...greedy, adapter: A, mode: 'full' }).result;
    const history = [...before, ...tokens(2, 9)];
    expect(next!.tokens).toEqual((await fromScratch(history, history.map(() => A))).tokens);
  });

  it('a rejected turn changes nothing: bad options, bad token ids, a bad adapterFrom, PROMPT_TOO_LONG, pre-aborted (issue 9 item 6)', async () => {
    const conversation = model.conversation();
    await conversation.send(tokens(4, 10), { ...greedy, maxTokens: 3, adapter: A, mode: 'full' }).result;
    const state = (c: Conversation) => ({ tokens: c.tokens, spans: c.spans, kv: cachedKv(c) });
    const before = state(conversation);
    const rejected: [ErrorCode, number[], Parameters<Conversation['send']>[1]][] = [
      ['INVALID_ARGUMENT', tokens(3, 11), { ...greedy, temperature: -1, adapter: A }],
      ['INVALID_ARGUMENT', [5, -1, 7], { ...greedy, adapter: A }],
      ['INVALID_ARGUMENT', tokens(3, 11), { ...greedy, adapter: A, adapterFrom: 4 }],
      ['INVALID_ARGUMENT', tokens(3, 11), { ...greedy, adapter: A, adapterFrom: 1.5 }],
      ['INVALID_ARGUMENT', tokens(3, 11), { ...greedy, adapter: A, mode: 'full', adapterFrom: 1 }],
      ['PROMPT_TOO_LONG', tokens(model.contextLength, 12), { ...greedy, adapter: B }],
      ['ABORTED', tokens(3, 13), { ...greedy, adapter: null, signal: AbortSignal.abort() }],
    ];
    for (const [code, input, options] of rejected) {
      const error = await conversation.send(input, options).result.catch((e: unknown) => e);
      expect(isPlugboardError(error, code), `${code}: ${String(error)}`).toBe(true);
      expect(state(conversation), code).toEqual(before);
    }
    // and the conversation still works: the next turn equals recomputation from scratch
    const [next] = await conversation.send(tokens(2, 14), { ...greedy, adapter: A, mode: 'full' }).result;
    const history = [...before.tokens, ...tokens(2, 14)];
    expect(next!.tokens).toEqual((await fromScratch(history, history.map(() => A))).tokens);
  });

  it('a turn whose first run fails (after the cache was cut back for an adapter switch) is undone completely', async () => {
    const recorder = recordingHost();
    let failNext = false;
    const session = recorder.host.session;
    const failing = new Proxy(session, {
      get(target, property) {
        if (property === 'run' && failNext) {
          failNext = false;
          return () => Promise.reject(new Error('simulated kernel failure'));
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const flaky: GenerationHost = { ...recorder.host, session: failing, prefillSession: failing };
    const conversation = new Conversation(flaky);
    await conversation.send(tokens(6, 15), { ...greedy, maxTokens: 3, adapter: A, mode: 'full' }).result;
    const before = { tokens: conversation.tokens, spans: conversation.spans, kv: cachedKv(conversation), lastTurn: conversation.lastTurn };
    failNext = true;
    // B in full mode cuts the whole cache back before its first run, which fails
    const error = await conversation.send(tokens(2, 16), { ...greedy, adapter: B, mode: 'full' }).result.catch((e: unknown) => e);
    expect(isPlugboardError(error, 'ORT_ERROR'), String(error)).toBe(true);
    expect({ tokens: conversation.tokens, spans: conversation.spans, kv: cachedKv(conversation), lastTurn: conversation.lastTurn }).toEqual(before);
    const [next] = await conversation.send(tokens(2, 16), { ...greedy, adapter: A, mode: 'full' }).result;
    const history = [...before.tokens, ...tokens(2, 16)];
    expect(next!.tokens).toEqual((await fromScratch(history, history.map(() => A))).tokens);
  });
});

/** Row 0's cached keys and values, layer by layer, up to the cached length. */
function cachedKv(conversation: Conversation): number[][] {
  const { cache } = conversation;
  const length = cache.lengths[0]!;
  return Object.values(cache.feeds()).map((t) => {
    const [, heads, capacity, hd] = t.dims as number[];
    const data = t.data as Float32Array;
    return Array.from({ length: heads! }, (_, h) => Array.from(data.subarray(h * capacity! * hd!, (h * capacity! + length) * hd!))).flat();
  });
}
