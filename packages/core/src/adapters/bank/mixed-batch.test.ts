/**
 * Adapters loaded through the bank, run by the real graph: rows of one batch
 * with different resident adapters give what each row gives alone, and a
 * bank-padded LoRA computes what the reference forward computes from the
 * adapter's own (unpadded) weights.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_SHAPES } from '../../fixtures/fixture-options.ts';
import { useTempDir } from '../../testing/test-helpers.ts';
import { writeFixtureModel } from '../../fixtures/write-fixture-model.ts';
import { openWeights } from '../../hf/safetensors-weights.ts';
import type { AdapterSlotLayout, SlotTensor } from '../../model/adapter-slots.ts';
import { maxAbsDiff } from '../../reference/max-abs-diff.ts';
import { ReferenceModel } from '../../reference/reference-model.ts';
import { KvCache } from '../../runtime/kv-cache.ts';
import type { Model } from '../../runtime/load-model.ts';
import { loadModel } from '../../runtime/load-model.ts';
import { runStep } from '../../runtime/step.ts';
import type { LoadedLora } from '../lora/loaded-lora.ts';
import { loraKey } from '../lora/loaded-lora.ts';
import type { AdapterBank } from './adapter-bank.ts';
import { createAdapterBank } from './adapter-bank.ts';
import { randomLoadedBottleneck, randomLoadedLora } from './random-loaded-adapter.ts';
import { readAdapter } from '../formats/read-adapter.ts';
import { writeRandomPeftLora } from '../lora/peft/write-random-peft-lora.ts';

const TOLERANCE = 1e-4;
const tmp = useTempDir('bank-mixed');
const LAYOUT: AdapterSlotLayout = { slots: 4, lora: { rank: 4, modules: ['q', 'k', 'v', 'o'] }, bottleneck: { width: 8, activation: 'gelu' } };
const prompt = (n: number, seed: number) => Array.from({ length: n }, (_, i) => (seed * 31 + i * 7) % 500);
const PROMPTS = [prompt(9, 1), prompt(5, 2), prompt(7, 3)];

let model: Model;
let bank: AdapterBank;
let lora: LoadedLora;
let slots: number[];

beforeAll(async () => {
  const dir = join(tmp, 'model');
  writeFixtureModel(dir, { ...TINY_SHAPES, architecture: 'qwen2', seed: 3 });
  model = await loadModel(dir, { adapters: LAYOUT, logits: 'all', cacheDir: join(tmp, 'graphs'), intraOpNumThreads: 1 });
  bank = createAdapterBank(model);
  lora = randomLoadedLora(model.config, { rank: 2, modules: ['q', 'v'], seed: 5, scale: 0.3 });
  const adapter = randomLoadedBottleneck(model.config, { width: 5, activation: 'gelu', seed: 6, scale: 0.3 });
  slots = [bank.load(lora).slot, bank.load(adapter).slot, 0];
});
afterAll(async () => {
  await model.dispose();
});

/** Logits of the prompts' prefill plus two decode steps with fixed tokens (the same for a row wherever it runs), per row. */
async function stepLogits(rows: { tokens: number[]; slot: number }[]): Promise<Float32Array[][]> {
  const cache = KvCache.empty(model.config, rows.length);
  const perStep: Float32Array[][] = [];
  let inputs = rows.map((r) => r.tokens);
  for (let step = 0; step < 3; step++) {
    const out = await runStep(model.session, cache, inputs.map((tokens, b) => ({ tokens, adapterSlot: rows[b]!.slot })), model.slotFeeds());
    perStep.push(
      inputs.map((tokens, b) => out.logits.slice(b * out.tokensPerRow * out.vocabSize, (b * out.tokensPerRow + tokens.length) * out.vocabSize)),
    );
    inputs = rows.map((r) => [(11 * (step + 1) + 3 * r.tokens[0]!) % TINY_SHAPES.vocabSize]);
  }
  return perStep;
}

describe('mixed-skill batches through the bank', () => {
  it('each row of a batch with its own adapter (or the base) gets the logits it gets alone', async () => {
    const rows = PROMPTS.map((tokens, b) => ({ tokens, slot: slots[b]! }));
    const together = await stepLogits(rows);
    for (const [b, row] of rows.entries()) {
      const alone = await stepLogits([row]);
      for (let step = 0; step < 3; step++) expect(maxAbsDiff(together[step]![b]!, alone[step]![0]!)).toBeLessThan(TOLERANCE);
    }
  });

  it('the adapters do change the output (the comparison above is not vacuous)', async () => {
    const base = await stepLogits([{ tokens: PROMPTS[0]!, slot: 0 }]);
    for (const slot of slots.slice(0, 2)) {
      const adapted = await stepLogits([{ tokens: PROMPTS[0]!, slot }]);
      expect(maxAbsDiff(base[0]![0]!, adapted[0]![0]!)).toBeGreaterThan(1e-3);
    }
  });

  it('generateBatch with three rows on three slots gives the tokens of each row run alone (greedy)', async () => {
    const options = { temperature: 0, maxTokens: 6, ignoreEos: true };
    const together = await model.generateBatch(PROMPTS.map((tokens, b) => ({ prompt: { tokens }, adapterSlot: slots[b] })), options).result;
    for (const [b, tokens] of PROMPTS.entries()) {
      const [alone] = await model.generate({ tokens }, { ...options, adapterSlot: slots[b] }).result;
      expect(together[b]!.tokens).toEqual(alone!.tokens);
      expect(together[b]!.tokens).toHaveLength(6);
    }
  });

  it('a LoRA padded into the bank computes what the reference computes from its unpadded weights', async () => {
    const weights = openWeights(model.dir);
    const reference = new ReferenceModel(model.config, weights);
    weights.close();
    // a layout exactly the adapter's size: slot 1 is its A and B as they are, no padding
    const exact: AdapterSlotLayout = { slots: 2, lora: { rank: lora.rank, modules: lora.modules } };
    const tensors = new Map<string, SlotTensor>();
    for (const layer of lora.layers) {
      for (const module of lora.modules) {
        const w = lora.weights.get(loraKey(layer, module))!;
        tensors.set(`lora.${layer}.${module}.a`, { dims: [2, w.inFeatures, w.rank], data: Float32Array.from([...new Float32Array(w.a.length), ...w.a]) });
        tensors.set(`lora.${layer}.${module}.b`, { dims: [2, w.rank, w.outFeatures], data: Float32Array.from([...new Float32Array(w.b.length), ...w.b]) });
      }
    }
    const expected = reference.forward({ inputIds: [PROMPTS[0]!], adapters: { layout: exact, tensors, adapterIndex: [1] } });
    const [graph] = (await stepLogits([{ tokens: PROMPTS[0]!, slot: slots[0]! }]))[0]!;
    expect(maxAbsDiff(graph!, expected.logits[0]!)).toBeLessThan(TOLERANCE);
  });
});

describe('absurd adapters on a real model (issue 9 item 2b)', () => {
  it('a PEFT LoRA folder with lora_alpha 1e30 is refused at load into the bank with NUMERIC_ERROR; one with alpha = 2·rank loads', () => {
    const absurd = readAdapter(writeRandomPeftLora(join(tmp, 'alpha-1e30'), { config: model.config, rank: 2, alpha: 1e30, modules: ['q', 'v'], seed: 8 }).dir, { config: model.config });
    expect(() => bank.load(absurd)).toThrow(expect.objectContaining({ code: 'NUMERIC_ERROR', message: expect.stringContaining('module q') }));
    const fine = readAdapter(writeRandomPeftLora(join(tmp, 'alpha-4'), { config: model.config, rank: 2, alpha: 4, modules: ['q', 'v'], seed: 8 }).dir, { config: model.config });
    const handle = bank.load(fine);
    expect(handle.slot).toBeGreaterThan(0);
    bank.evict(handle.id);
  });
});
