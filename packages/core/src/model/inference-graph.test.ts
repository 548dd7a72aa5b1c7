/**
 * The graph's shape where it matters for speed: q|k|v reach
 * GroupQueryAttention packed (no Split copy) unless something acts on q, k
 * or v alone, gate/up are two matmuls, and fp32 heads read a 3-D table
 * (which ORT does not prepack into a second copy). Numerics are checked against the
 * reference forward in graph-vs-reference.test.ts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import type { FixtureOptionsInput } from '../fixtures/fixture-options.ts';
import { useTempDir } from '../testing/test-helpers.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import { expectedWeightShapes, readModelConfig } from '../hf/config.ts';
import { CheckedWeights } from '../hf/checked-weights.ts';
import { openWeights } from '../hf/safetensors-weights.ts';
import type { Graph } from '../graph/ir.ts';
import { tensorBytes } from '../graph/ir.ts';
import type { AdapterSlotLayout } from './adapter-slots.ts';
import { buildInferenceGraph } from './inference-graph.ts';

const tmp = useTempDir('inference-graph');
let counter = 0;

function graphOf(fixture: FixtureOptionsInput, adapters: AdapterSlotLayout | null = null, prepackWeights = true, contextLength: number | null = null, attention: 'gqa' | 'matmul' = 'gqa'): Graph {
  const dir = join(tmp, `model-${counter++}`);
  writeFixtureModel(dir, { ...TINY_SHAPES, seed: 3, ...fixture });
  const weights = openWeights(dir);
  try {
    return buildInferenceGraph(readModelConfig(dir), weights, { quantization: null, adapters, hiddenStates: false, logits: 'last', prepackWeights, contextLength, attention });
  } finally {
    weights.close();
  }
}

/** Per layer: does its GroupQueryAttention take q|k|v packed (key input omitted)? */
function packedPerLayer(graph: Graph): boolean[] {
  return graph.nodes.filter((n) => n.op === 'GroupQueryAttention').map((n) => n.inputs[1] === '');
}

const splits = (graph: Graph) => graph.nodes.filter((n) => n.op === 'Split').length;

describe('inference graph structure', () => {
  it("attention 'matmul': no GroupQueryAttention and no present.* outputs, just this run's kv_appended.*; a sliding window keeps GQA", () => {
    const graph = graphOf({ architecture: 'qwen2' }, null, true, null, 'matmul');
    const ops = graph.nodes.map((n) => n.op);
    expect(ops).not.toContain('GroupQueryAttention');
    const fusedMatMuls = (g: Graph) => g.nodes.filter((n) => n.op === 'FusedMatMul').length;
    // two per layer (scores against the past and against this run's keys) on top of the head's
    expect(fusedMatMuls(graph) - fusedMatMuls(graphOf({ architecture: 'qwen2' }))).toBe(2 * TINY_SHAPES.numLayers);
    const outputs = graph.outputs.map((o) => o.name);
    expect(outputs.filter((name) => name.startsWith('present.'))).toEqual([]);
    expect(outputs.filter((name) => name.startsWith('kv_appended.'))).toHaveLength(2 * TINY_SHAPES.numLayers);
    const windowed = graphOf({ architecture: 'mistral', slidingWindow: 4 }, null, true, null, 'matmul');
    expect(windowed.nodes.filter((n) => n.op === 'GroupQueryAttention')).toHaveLength(TINY_SHAPES.numLayers);
  });

  it('qwen2 (q/k/v biases): every layer feeds GQA packed, and nothing is split', () => {
    const graph = graphOf({ architecture: 'qwen2' });
    expect(packedPerLayer(graph)).toEqual(new Array<boolean>(TINY_SHAPES.numLayers).fill(true));
    expect(splits(graph)).toBe(0);
  });

  it('a LoRA on q in layer 1 splits that layer only', () => {
    const graph = graphOf({ architecture: 'llama' }, { slots: 2, lora: { rank: 2, modules: ['q', 'down'], layers: [1] } });
    expect(packedPerLayer(graph)).toEqual(Array.from({ length: TINY_SHAPES.numLayers }, (_, i) => i !== 1));
    expect(splits(graph)).toBe(1);
  });

  it('qwen3 q/k norm and a head_dim without fused rotary take q, k, v separately', () => {
    expect(packedPerLayer(graphOf({ architecture: 'qwen3' }))).not.toContain(true);
    expect(packedPerLayer(graphOf({ architecture: 'llama', hiddenSize: 32, numHeads: 4, numKvHeads: 2 }))).not.toContain(true);
  });

  it('gate and up are separate matmuls', () => {
    const graph = graphOf({ architecture: 'llama' });
    const mlpMatMuls = graph.nodes.filter((n) => n.op === 'MatMul' && n.name.includes('/mlp/'));
    expect(mlpMatMuls).toHaveLength(3 * TINY_SHAPES.numLayers);
  });

  it.each([true, false])('an fp32 head (tied: %s) is FusedMatMul over a [1, V, d] table, the embedding itself when tied', (tied) => {
    const graph = graphOf({ architecture: 'llama', tieWordEmbeddings: tied });
    const head = graph.nodes.find((n) => n.outputs.includes('logits'));
    expect(head?.op).toBe('FusedMatMul');
    const table = graph.initializers.find((i) => i.name === head?.inputs[1]);
    expect(table?.dims).toEqual([1, TINY_SHAPES.vocabSize, TINY_SHAPES.hiddenSize]);
    const gather = graph.nodes.find((n) => n.op === 'Gather' && n.inputs[1] === 'input_ids');
    expect(gather?.inputs[0] === table?.name).toBe(tied);
  });

  it('prepackWeights: false stores every fp32 projection [1, out, in] for FusedMatMul; true as 2-D [in, out] for MatMul', () => {
    const dims = (graph: Graph, op: string) =>
      graph.nodes.filter((n) => n.op === op && n.inputs[1] !== 'embed_tokens').map((n) => graph.initializers.find((i) => i.name === n.inputs[1])?.dims.length);
    const inPlace = graphOf({ architecture: 'qwen2' }, null, false);
    expect(inPlace.nodes.filter((n) => n.op === 'MatMul')).toHaveLength(0);
    expect(new Set(dims(inPlace, 'FusedMatMul'))).toEqual(new Set([3]));
    const packed = graphOf({ architecture: 'qwen2' });
    expect(new Set(dims(packed, 'MatMul'))).toEqual(new Set([2]));
  });

  it('the rotary table has one row per position of the context built, not of max_position_embeddings', () => {
    const rows = (graph: Graph) => graph.initializers.find((i) => i.name === 'rotary.cos')?.dims;
    const fixture = { architecture: 'llama' as const, maxPositionEmbeddings: 1 << 22 };
    expect(rows(graphOf(fixture, null, true, 96))).toEqual([96, TINY_SHAPES.hiddenSize / TINY_SHAPES.numHeads / 2]);
    expect(rows(graphOf({ architecture: 'llama' }))).toEqual([TINY_SHAPES.maxPositionEmbeddings, TINY_SHAPES.hiddenSize / TINY_SHAPES.numHeads / 2]);
  });
});

describe('inference graph weights', () => {
  // the finite check (and the norms the adapter bank bounds against) ride on the build's reads, so the build must read every weight
  it.each([
    ['qwen2 with biases, untied', { architecture: 'qwen2', tieWordEmbeddings: false }, null],
    ['qwen3 with q/k norms, tied', { architecture: 'qwen3', tieWordEmbeddings: true }, null],
    ['llama int4, untied', { architecture: 'llama', tieWordEmbeddings: false }, { bits: 4, blockSize: 32, accuracyLevel: 4, lmHead: true }],
  ] as const)('%s: writing the graph reads every weight the config names', (_, fixture, quantization) => {
    const dir = join(tmp, `model-${counter++}`);
    writeFixtureModel(dir, { ...TINY_SHAPES, seed: 3, ...fixture });
    const config = readModelConfig(dir);
    const weights = openWeights(dir);
    const checked = new CheckedWeights(weights);
    try {
      const graph = buildInferenceGraph(config, checked, { quantization, adapters: null, hiddenStates: false, logits: 'last', prepackWeights: true, contextLength: null });
      for (const init of graph.initializers) tensorBytes(init.data);
    } finally {
      weights.close();
    }
    expect([...checked.norms.keys()].sort()).toEqual([...expectedWeightShapes(config).keys()].sort());
  });
});
