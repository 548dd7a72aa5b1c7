/**
 * The ONNX inference graph checked against the independent plain-TS reference
 * forward: logits agree to 1e-4 across architectures, adapter slots, batches
 * with mixed slots, the adapter mask, and decode steps over the KV cache.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import type { FixtureOptionsInput } from '../fixtures/fixture-options.ts';
import { useTempDir } from '../testing/test-helpers.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import { openWeights } from '../hf/safetensors-weights.ts';
import type { AdapterSlotLayout } from '../model/adapter-slots.ts';
import { maxAbsDiff } from '../reference/max-abs-diff.ts';
import { randomSlotTensors } from '../reference/random-model.ts';
import { ReferenceModel } from '../reference/reference-model.ts';
import { compareWithReference } from './compare-with-reference.ts';
import type { ReferenceComparison } from './compare-with-reference.ts';
import { KvCache } from './kv-cache.ts';
import type { Model } from './load-model.ts';
import { loadModel } from './load-model.ts';
import { runStep } from './step.ts';

const TOLERANCE = 1e-4;
const tmp = useTempDir('graph-vs-ref');
const opened: Model[] = [];
afterAll(async () => {
  for (const model of opened) await model.dispose();
});

interface Case {
  fixture: FixtureOptionsInput;
  layout?: AdapterSlotLayout;
  /** prompt per row */
  prompts: number[][];
  slots?: number[];
  /** adapter mask per row per prompt token */
  masks?: number[][];
  prepackWeights?: boolean;
}

let counter = 0;
async function setUp(c: Case) {
  const dir = join(tmp, `model-${counter++}`);
  writeFixtureModel(dir, { ...TINY_SHAPES, seed: 7, ...c.fixture });
  const model = await loadModel(dir, { logits: 'all', adapters: c.layout ?? null, prepackWeights: c.prepackWeights, cacheDir: join(tmp, 'graphs'), intraOpNumThreads: 1 });
  opened.push(model);
  const weights = openWeights(dir);
  const reference = new ReferenceModel(model.config, weights);
  weights.close();
  let adapters: ReferenceComparison['adapters'];
  if (c.layout) {
    const random = randomSlotTensors(model.config, c.layout, 11, 0.2);
    for (const [name, tensor] of random) model.slots.get(name)!.data.set(tensor.data);
    adapters = { layout: c.layout, tensors: random };
  }
  return { model, reference, adapters };
}

async function compare(c: Case, steps = 3): Promise<number> {
  const { model, reference, adapters } = await setUp(c);
  return compareWithReference(model, reference, { prompts: c.prompts, slots: c.slots, masks: c.masks, steps, adapters });
}

const prompt = (n: number, seed: number) => Array.from({ length: n }, (_, i) => (seed * 31 + i * 7) % 500);

describe('inference graph vs reference forward (fp32, max abs diff ≤ 1e-4)', () => {
  it('llama with GQA and an untied head, over prefill and decode steps', async () => {
    expect(await compare({ fixture: { architecture: 'llama', tieWordEmbeddings: false }, prompts: [prompt(9, 1)] })).toBeLessThan(TOLERANCE);
  });

  it('llama with tied embeddings', async () => {
    expect(await compare({ fixture: { architecture: 'llama', tieWordEmbeddings: true }, prompts: [prompt(7, 2)] })).toBeLessThan(TOLERANCE);
  });

  it('qwen2 with q/k/v biases', async () => {
    expect(await compare({ fixture: { architecture: 'qwen2' }, prompts: [prompt(8, 3)] })).toBeLessThan(TOLERANCE);
  });

  it('qwen3 with q/k norm', async () => {
    expect(await compare({ fixture: { architecture: 'qwen3' }, prompts: [prompt(8, 4)] })).toBeLessThan(TOLERANCE);
  });

  it('mistral with a sliding window shorter than the sequence', async () => {
    expect(await compare({ fixture: { architecture: 'mistral', slidingWindow: 4 }, prompts: [prompt(9, 5)] }, 4)).toBeLessThan(TOLERANCE);
  });

  it('head_dim 8: separate RotaryEmbedding ops instead of fused GQA rotary', async () => {
    const fixture = { architecture: 'llama' as const, hiddenSize: 32, numHeads: 4, numKvHeads: 2 };
    expect(await compare({ fixture, prompts: [prompt(6, 6)] })).toBeLessThan(TOLERANCE);
  });

  it('a batch of rows with different prompt lengths (right padding)', async () => {
    expect(await compare({ fixture: { architecture: 'qwen2' }, prompts: [prompt(9, 7), prompt(4, 8), prompt(6, 9)] })).toBeLessThan(TOLERANCE);
  });

  it('a long prompt and a dozen decode steps over the KV cache', async () => {
    const prompts = [Array.from({ length: 60 }, (_, i) => (i * 7 + 1) % 500), prompt(30, 18)];
    expect(await compare({ fixture: { architecture: 'llama' }, prompts }, 12)).toBeLessThan(TOLERANCE);
  });

  it('a LoRA on every module in a slot', async () => {
    const layout: AdapterSlotLayout = { slots: 3, lora: { rank: 4, modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] } };
    expect(await compare({ fixture: { architecture: 'qwen2' }, layout, prompts: [prompt(8, 10)], slots: [1] })).toBeLessThan(TOLERANCE);
  });

  it('a bottleneck adapter (gelu) in a slot', async () => {
    const layout: AdapterSlotLayout = { slots: 2, bottleneck: { width: 8, activation: 'gelu' } };
    expect(await compare({ fixture: { architecture: 'llama' }, layout, prompts: [prompt(8, 11)], slots: [1] })).toBeLessThan(TOLERANCE);
  });

  it('two rows of one batch using different slots, LoRA in a subset of layers plus a bottleneck', async () => {
    const layout: AdapterSlotLayout = {
      slots: 3,
      lora: { rank: 4, modules: ['q', 'v', 'down'], layers: [1] },
      bottleneck: { width: 4, activation: 'silu', layers: [0] },
    };
    expect(await compare({ fixture: { architecture: 'qwen3' }, layout, prompts: [prompt(7, 12), prompt(5, 13)], slots: [1, 2] })).toBeLessThan(TOLERANCE);
  });

  it('qwen2 with a LoRA on q/v in one layer only: that layer splits q|k|v, the others feed GQA packed', async () => {
    const layout: AdapterSlotLayout = { slots: 2, lora: { rank: 4, modules: ['q', 'v'], layers: [1] } };
    expect(await compare({ fixture: { architecture: 'qwen2' }, layout, prompts: [prompt(9, 14)], slots: [1] })).toBeLessThan(TOLERANCE);
  });

  it('weights read in place (prepackWeights: false), untied head, LoRA in one layer, over decode steps', async () => {
    const layout: AdapterSlotLayout = { slots: 2, lora: { rank: 4, modules: ['k', 'o', 'gate'], layers: [0] } };
    const c: Case = { fixture: { architecture: 'qwen2', tieWordEmbeddings: false }, layout, prompts: [prompt(9, 15)], slots: [1], prepackWeights: false };
    expect(await compare(c, 5)).toBeLessThan(TOLERANCE);
  });

  it('the adapter mask switches the adapter off on some tokens', async () => {
    const layout: AdapterSlotLayout = { slots: 2, lora: { rank: 4, modules: ['q', 'k', 'v', 'o'] }, bottleneck: { width: 4, activation: 'relu' } };
    const masks = [[0, 0, 0, 0, 1, 1, 1, 1]];
    expect(await compare({ fixture: { architecture: 'llama' }, layout, prompts: [prompt(8, 14)], slots: [1], masks })).toBeLessThan(TOLERANCE);
  });

  it('slot tensors actually change the output (the comparison is not vacuous)', async () => {
    const layout: AdapterSlotLayout = { slots: 2, lora: { rank: 4, modules: ['q', 'v'] } };
    const { model } = await setUp({ fixture: { architecture: 'llama' }, layout, prompts: [] });
    const run = async (slot: number) =>
      (await runStep(model.session, KvCache.empty(model.config, 1), [{ tokens: prompt(5, 15), adapterSlot: slot }], model.slotFeeds())).logits.slice();
    expect(maxAbsDiff(await run(0), await run(1))).toBeGreaterThan(1e-3);
  });
});

describe('weight-only quantization (MatMulNBits)', () => {
  it.each([
    ['int8', 0.02],
    ['int4', 0.15],
  ] as const)('%s logits stay within %s of the fp32 logits, relative to their range', async (dtype, tolerance) => {
    const dir = join(tmp, `quant-${dtype}`);
    writeFixtureModel(dir, { ...TINY_SHAPES, seed: 9, hiddenSize: 128, intermediateSize: 256 });
    const tokens = prompt(12, 16);
    const logitsOf = async (d: 'fp32' | 'int8' | 'int4') => {
      const model = await loadModel(dir, { dtype: d, logits: 'all', cacheDir: join(tmp, 'graphs') });
      opened.push(model);
      return (await runStep(model.session, KvCache.empty(model.config, 1), [{ tokens }], null)).logits.slice();
    };
    const exact = await logitsOf('fp32');
    const quantized = await logitsOf(dtype);
    const range = Math.max(...exact) - Math.min(...exact);
    const relative = maxAbsDiff(exact, quantized) / range;
    expect(relative).toBeLessThan(tolerance);
    expect(relative).toBeGreaterThan(0); // it really ran quantized
  });
});
