import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import { useTempDir } from '../testing/test-helpers.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import type { AdapterSlotLayout } from '../model/adapter-slots.ts';
import { randomSlotTensors } from '../reference/random-model.ts';
import type { TurnAdapter } from './conversation.ts';
import { generateRows } from './generate.ts';
import type { ActivationMode } from './kv-provenance.ts';
import type { Model } from './load-model.ts';
import { loadModel } from './load-model.ts';

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

/** Generates from scratch: the whole history prefilled in one go with an explicit adapter mask. */
async function fromScratch(history: number[], adapter: TurnAdapter | null, mask: number[]): Promise<number[]> {
  const [result] = await generateRows(model, [{ tokens: history, adapterSlot: adapter?.slot ?? 0, adapterMask: mask }], greedy).result;
  return result!.tokens;
}

interface Turn {
  adapter: TurnAdapter | null;
  input: number[];
}

/** Plays the turns in one conversation; checks every reply against recomputation from scratch. */
async function play(turns: Turn[], mode: ActivationMode) {
  const conversation = model.conversation();
  const reused: number[] = [];
  let runStart = 0; // where the current run of turns with the same adapter began (activated mode's invocation point)
  for (const [i, turn] of turns.entries()) {
    const before = conversation.tokens;
    if (i === 0 || turns[i - 1]!.adapter?.id !== turn.adapter?.id) runStart = before.length;
    const [result] = await conversation.send(turn.input, { ...greedy, adapter: turn.adapter, mode }).result;
    reused.push(conversation.lastTurn.reused);
    const history = [...before, ...turn.input];
    const mask = history.map((_, t) => (turn.adapter === null ? 0 : mode === 'full' || t >= runStart ? 1 : 0));
    expect(result!.tokens, `turn ${i}`).toEqual(await fromScratch(history, turn.adapter, mask));
    expect(conversation.tokens).toEqual([...history, ...result!.tokens]);
  }
  return { conversation, reused };
}

const script: Turn[] = [
  { adapter: null, input: tokens(12, 1) },
  { adapter: A, input: tokens(4, 2) },
  { adapter: A, input: tokens(3, 3) },
  { adapter: B, input: tokens(5, 4) },
  { adapter: null, input: tokens(2, 5) },
];

describe('conversation: prefix sharing across skills', () => {
  it('activated mode equals recomputation from scratch and reuses the base prefix on a switch', async () => {
    const { conversation, reused } = await play(script, 'activated');
    // a reply's last token is not cached until the next turn feeds it
    // turn 1 (A) reuses the base turn; turn 2 continues A and reuses everything; turn 3 (B) reuses only the base prefix
    expect(reused[1]).toBe(12 + 4);
    expect(reused[2]).toBe(12 + 5 + 4 + 4);
    expect(reused[3]).toBe(12 + 5); // the base turn's last token was fed, as base, by turn 1
    // the last turn runs the base model: B's tokens were recomputed as base, so one base span remains
    expect(conversation.spans.map((s) => s.adapter)).toEqual([null]);
  });

  it('full mode equals recomputation from scratch and recomputes everything on a switch', async () => {
    const { reused } = await play(script, 'full');
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
    expect(next!.tokens).toEqual(await fromScratch(history, A, history.map(() => 1)));
  });
});
