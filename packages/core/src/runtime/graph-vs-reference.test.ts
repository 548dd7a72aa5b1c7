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
import { GLOBAL_WEIGHT_NAMES, layerWeightNames } from '../hf/config.ts';
import type { ModelConfig } from '../hf/config.ts';
import type { Quantization } from '../model/build-options.ts';
import { dequantizeMatMulNBits, packMatMulNBits } from '../quant/matmul-nbits.ts';
import { dequantizePerChannelInt8, quantizePerChannelInt8 } from '../quant/per-channel-int8.ts';
import { InMemoryWeights } from '../reference/in-memory-weights.ts';
import { readModelConfig } from '../hf/config.ts';
import { createSession } from '../graph/ort-session.ts';
import { writeOnnxModel } from '../graph/write-onnx-model.ts';
import { buildInferenceGraph } from '../model/inference-graph.ts';
import { QUANT_BLOCK_SIZE } from './load-options.ts';
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
  contextLength?: number;
  attention?: 'gqa' | 'matmul';
}

let counter = 0;
async function setUpCase(c: Case) {
  const dir = join(tmp, `model-${counter++}`);
  writeFixtureModel(dir, { ...TINY_SHAPES, seed: 7, ...c.fixture });
  const model = await loadModel(dir, { logits: 'all', adapters: c.layout ?? null, prepackWeights: c.prepackWeights, contextLength: c.contextLength, attention: c.attention, cacheDir: join(tmp, 'graphs'), intraOpNumThreads: 1 });
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

async function compareCase(c: Case, steps = 3): Promise<number> {
  const { model, reference, adapters } = await setUpCase(c);
  return compareWithReference(model, reference, { prompts: c.prompts, slots: c.slots, masks: c.masks, steps, adapters });
}

const prompt = (n: number, seed: number) => Array.from({ length: n }, (_, i) => (seed * 31 + i * 7) % 500);

// every case with both attention implementations (a sliding window keeps GQA in both)
describe.each(['gqa', 'matmul'] as const)('inference graph (%s attention) vs reference forward (fp32, max abs diff ≤ 1e-4)', (attention) => {
  const compare = (c: Case, steps?: number) => compareCase({ ...c, attention }, steps);
  const setUp = (c: Case) => setUpCase({ ...c, attention });

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

/**
 * The weights the quantized graph computes with: every projection (and the
 * LM head) packed into the same MatMulNBits blocks and dequantized. Rows are
 * quantized one by one along K, so packing q|k|v fused or apart is the same.
 */
function dequantizedWeights(dir: string, config: ModelConfig, quantization: Quantization, roundTrip = (rows: Float32Array, N: number, K: number) => dequantizeMatMulNBits(packMatMulNBits(rows, N, K, quantization))): InMemoryWeights {
  const weights = openWeights(dir, { fingerprintIndexDir: join(tmp, 'index') });
  const copy = InMemoryWeights.copyOf(weights);
  weights.close();
  const quantized = Array.from({ length: config.numLayers }, (_, i) => layerWeightNames(i)).flatMap((n) => [n.q, n.k, n.v, n.o, n.gate, n.up, n.down]);
  if (quantization.lmHead) quantized.push(GLOBAL_WEIGHT_NAMES.lmHead);
  for (const name of quantized) {
    const [N, K] = copy.info(name).shape as [number, number];
    copy.set(name, [N, K], roundTrip(copy.float32(name), N, K));
  }
  return copy;
}

describe('weight-only quantization (MatMulNBits) vs the reference forward on the dequantized weights', () => {
  // accuracy_level 0 computes in fp32, so the only difference left is summation order; loadModel's level 4
  // also rounds activations to int8 per block, which quant/matmul-nbits.test.ts checks on int8-exact inputs
  it.each([8, 4] as const)('int%s logits equal the reference over the same dequantized blocks (≤ 1e-4, as fp32), over prefill and decode', async (bits) => {
    const dir = join(tmp, `quant-${bits}`);
    writeFixtureModel(dir, { ...TINY_SHAPES, seed: 9, hiddenSize: 128, intermediateSize: 256, tieWordEmbeddings: false });
    const quantization: Quantization = { bits, blockSize: QUANT_BLOCK_SIZE, accuracyLevel: 0, lmHead: true };
    const config = readModelConfig(dir);
    const weights = openWeights(dir, { fingerprintIndexDir: join(tmp, 'index') });
    const built = await writeOnnxModel(buildInferenceGraph(config, weights, { quantization, adapters: null, hiddenStates: false, logits: 'all', prepackWeights: true, contextLength: null }), {
      dir: join(tmp, `quant-${bits}-graph`),
    });
    const session = await createSession(built.modelPath, { intraOpNumThreads: 1 });
    const graph = { config, session, slotFeeds: () => null };
    const prompts = [prompt(12, 16), prompt(5, 17)];
    const onDequantized = await compareWithReference(graph, new ReferenceModel(config, dequantizedWeights(dir, config, quantization)), { prompts });
    const onFp32 = await compareWithReference(graph, new ReferenceModel(config, weights), { prompts });
    weights.close();
    await session.release();
    expect(onDequantized).toBeLessThan(TOLERANCE);
    // the comparison has teeth: against the unquantized weights the same graph is far off
    expect(onFp32).toBeGreaterThan(10 * TOLERANCE);
  });
});

describe('int8 through DynamicQuantizeMatMul (per-channel weights, activations quantized per tensor) vs the reference forward', () => {
  it('runs DynamicQuantizeMatMul for every projection, and its logits follow the reference on the dequantized weights within the activation rounding', async () => {
    const dir = join(tmp, 'quant-dynamic');
    writeFixtureModel(dir, { ...TINY_SHAPES, seed: 9, hiddenSize: 128, intermediateSize: 256, tieWordEmbeddings: false });
    const quantization: Quantization = { bits: 8, blockSize: QUANT_BLOCK_SIZE, accuracyLevel: 4, lmHead: true, int8Kernel: 'dynamic' };
    const config = readModelConfig(dir);
    const weights = openWeights(dir, { fingerprintIndexDir: join(tmp, 'index') });
    const ir = buildInferenceGraph(config, weights, { quantization, adapters: null, hiddenStates: false, logits: 'all', prepackWeights: true, contextLength: null });
    const ops = ir.nodes.map((n) => n.op);
    // every matmul the nbits build quantizes, and nothing else
    const nbits = buildInferenceGraph(config, weights, { quantization: { ...quantization, int8Kernel: 'nbits' }, adapters: null, hiddenStates: false, logits: 'all', prepackWeights: true, contextLength: null });
    expect(ops.filter((op) => op === 'DynamicQuantizeMatMul')).toHaveLength(nbits.nodes.filter((n) => n.op === 'MatMulNBits').length);
    expect(ops).not.toContain('MatMulNBits');
    const built = await writeOnnxModel(ir, { dir: join(tmp, 'quant-dynamic-graph') });
    const session = await createSession(built.modelPath, { intraOpNumThreads: 1 });
    const graph = { config, session, slotFeeds: () => null };
    const prompts = [prompt(12, 16), prompt(5, 17)];
    const reference = new ReferenceModel(config, dequantizedWeights(dir, config, quantization, (rows, N, K) => dequantizePerChannelInt8(quantizePerChannelInt8(rows, N, K))));
    const onDequantized = await compareWithReference(graph, reference, { prompts });
    const logitScale = Math.max(...(reference.forward({ inputIds: [prompts[0] as number[]] }).logits[0] as Float32Array).map(Math.abs));
    weights.close();
    await session.release();
    // uint8 activations (per tensor) round each input by up to half a step: a few hundredths of the logits' scale, not more
    expect(onDequantized).toBeLessThan(0.05 * logitScale);
    expect(onDequantized).toBeGreaterThan(0);
  });
});

describe('configs people run, graph vs reference forward (fp32, max abs diff ≤ 1e-4)', () => {
  const llama31Scaling = { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 64 };

  it('Llama 3.2 shape: rope_type llama3, theta 500000, tied embeddings', async () => {
    const fixture = { architecture: 'llama' as const, ropeTheta: 500000, ropeScaling: llama31Scaling, tieWordEmbeddings: true };
    expect(await compareCase({ fixture, prompts: [prompt(12, 20)] })).toBeLessThan(TOLERANCE);
  });

  it('llama3 scaling with head_dim 8 (separate RotaryEmbedding ops read the scaled table)', async () => {
    const fixture = { architecture: 'llama' as const, hiddenSize: 32, numHeads: 4, numKvHeads: 2, ropeScaling: { ...llama31Scaling, original_max_position_embeddings: 16 } };
    expect(await compareCase({ fixture, prompts: [prompt(10, 21)] })).toBeLessThan(TOLERANCE);
  });

  it('linear rope scaling (factor 4)', async () => {
    const fixture = { architecture: 'llama' as const, ropeScaling: { type: 'linear', factor: 4 } };
    expect(await compareCase({ fixture, prompts: [prompt(9, 22)] })).toBeLessThan(TOLERANCE);
  });

  it('dynamic NTK past max_position_embeddings (16 positions, factor 4, a 64-token context)', async () => {
    const fixture = { architecture: 'llama' as const, maxPositionEmbeddings: 16, ropeScaling: { type: 'dynamic', factor: 4 } };
    // 20 prompt tokens + 6 decode steps: positions 16…25 rotate with the grown base
    expect(await compareCase({ fixture, prompts: [prompt(20, 23)], contextLength: 64 }, 6)).toBeLessThan(TOLERANCE);
  });

  it('Qwen2.5 long context: yarn (factor 4) with its attention factor, q/k/v biases', async () => {
    const fixture = { architecture: 'qwen2' as const, ropeTheta: 1_000_000, ropeScaling: { type: 'yarn', factor: 4, original_max_position_embeddings: 32 } };
    expect(await compareCase({ fixture, prompts: [prompt(10, 24), prompt(6, 25)] })).toBeLessThan(TOLERANCE);
  });

  it('yarn on qwen3 (q/k norm) with mscale / mscale_all_dim', async () => {
    const fixture = { architecture: 'qwen3' as const, ropeScaling: { type: 'yarn', factor: 8, original_max_position_embeddings: 16, mscale: 0.707, mscale_all_dim: 1 } };
    expect(await compareCase({ fixture, prompts: [prompt(9, 26)] })).toBeLessThan(TOLERANCE);
  });

  it('explicit head_dim larger than hidden/heads (64 / 4 heads, head_dim 32) with o_proj reading 128 features', async () => {
    const fixture = { architecture: 'qwen3' as const, headDim: 32 };
    expect(await compareCase({ fixture, prompts: [prompt(8, 27)] })).toBeLessThan(TOLERANCE);
  });

  it('llama attention_bias (q/k/v and o_proj biases) and mlp_bias (gate/up/down biases)', async () => {
    const fixture = { architecture: 'llama' as const, attentionBias: true, mlpBias: true };
    expect(await compareCase({ fixture, prompts: [prompt(8, 28)] })).toBeLessThan(TOLERANCE);
  });

  it.each(['gelu', 'gelu_pytorch_tanh'] as const)('hidden_act %s in the MLP', async (hiddenAct) => {
    expect(await compareCase({ fixture: { architecture: 'llama', hiddenAct }, prompts: [prompt(8, 29)] })).toBeLessThan(TOLERANCE);
  });

  it('SmolLM2 shape: llama, tied embeddings, its Digits pre-tokenizer', async () => {
    const fixture = { architecture: 'llama' as const, tieWordEmbeddings: true, tokenizerStyle: 'smollm2' as const, numKvHeads: 4 };
    expect(await compareCase({ fixture, prompts: [prompt(8, 30)] })).toBeLessThan(TOLERANCE);
  });

  it('bf16 weights in shards with an index (read as float32 by both paths)', async () => {
    const fixture = { architecture: 'llama' as const, dtype: 'BF16' as const, shardBytes: 30_000 };
    expect(await compareCase({ fixture, prompts: [prompt(8, 31)] })).toBeLessThan(TOLERANCE);
  });

  it('the scaling is not vacuous: llama3 rope changes the logits vs plain rotary', async () => {
    const plain = await setUpCase({ fixture: { architecture: 'llama', ropeTheta: 500000 }, prompts: [] });
    const scaled = await setUpCase({ fixture: { architecture: 'llama', ropeTheta: 500000, ropeScaling: llama31Scaling }, prompts: [] });
    const run = async (model: Model) => (await runStep(model.session, KvCache.empty(model.config, 1), [{ tokens: prompt(12, 20) }], null)).logits.slice();
    expect(maxAbsDiff(await run(plain.model), await run(scaled.model))).toBeGreaterThan(1e-3);
  });
});
