import { GraphBuilder, attr } from '@plugboard/core';
import type { Graph } from '@plugboard/core';
import { describe, expect, it } from 'vitest';
import { differentiate } from './differentiate.ts';
import type { OrtTensor } from './gradient-check.ts';
import { TOLERANCE, compareWithFiniteDifferences, floatConstant, floatTensor } from './gradient-check.ts';
import { TINY, tinyLlama } from './tiny-llama-graph.ts';

async function expectMatchesFiniteDifferences(graph: Graph, feeds: Record<string, OrtTensor>, wrt: string[]): Promise<void> {
  const compared = await compareWithFiniteDifferences(graph, feeds, wrt, 'float64');
  expect(Object.keys(compared).sort()).toEqual([...wrt].sort());
  for (const [name, r] of Object.entries(compared)) {
    // a gradient that is identically zero would make the comparison vacuous
    expect(Math.max(...r.numeric.map(Math.abs)), `d loss / d ${name} is not all zero`).toBeGreaterThan(1e-6);
    expect(r.relativeError, `d loss / d ${name}`).toBeLessThan(TOLERANCE.float64.relative);
  }
}

function twoLayerMlp(): { graph: Graph; feeds: Record<string, OrtTensor> } {
  const b = new GraphBuilder('mlp');
  const x = floatConstant(b, 'float64', [0.5, -1, 2, 0.1, 0.3, -0.7, 1.2, 0.8, -0.2, 0.4, 0.9, -1.5], [4, 3]);
  const target = floatConstant(b, 'float64', [1, -1, 0.5, 0, 0.2, 0.7, -0.3, 1], [4, 2]);
  const [w1, b1, w2, b2] = [
    b.input('w1', 'float64', [5, 3]),
    b.input('b1', 'float64', [5]),
    b.input('w2', 'float64', [5, 2]),
    b.input('b2', 'float64', [2]),
  ];
  const hidden = b.op1('Tanh', [b.op1('Gemm', [x, w1, b1], { transB: attr.int(1) })]);
  const y = b.op1('Add', [b.op1('MatMul', [hidden, w2]), b2]);
  const squared = b.op1('Pow', [b.op1('Sub', [y, target]), floatConstant(b, 'float64', [2], [])]);
  b.op1('ReduceMean', [squared], { keepdims: attr.int(0) }, { output: 'loss' });
  b.output('loss', 'float64', []);
  const values = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * k + 1));
  const feeds = {
    w1: floatTensor('float64', values(15, 1.3), [5, 3]),
    b1: floatTensor('float64', values(5, 0.7), [5]),
    w2: floatTensor('float64', values(10, 2.1), [5, 2]),
    b2: floatTensor('float64', values(2, 0.4), [2]),
  };
  return { graph: b.build(), feeds };
}

describe('whole tiny models against central differences (float64)', () => {
  it('2-layer MLP (Gemm, Tanh, MatMul, Pow, ReduceMean): all parameters', async () => {
    const { graph, feeds } = twoLayerMlp();
    await expectMatchesFiniteDifferences(graph, feeds, ['w1', 'b1', 'w2', 'b2']);
  });

  it('tiny attention block: all parameters (full training)', async () => {
    const model = tinyLlama({ ...TINY, loraRank: 0, adapterDim: 0 });
    await expectMatchesFiniteDifferences(model.graph, model.feeds, model.base);
  });

  it('tiny attention block: LoRA A/B only, base frozen', async () => {
    const model = tinyLlama({ ...TINY, adapterDim: 0 });
    await expectMatchesFiniteDifferences(model.graph, model.feeds, model.lora);
  });

  it('tiny attention block: bottleneck adapter only', async () => {
    const model = tinyLlama({ ...TINY, loraRank: 0 });
    await expectMatchesFiniteDifferences(model.graph, model.feeds, model.adapter);
  });

  it('two layers, LoRA and adapter trained together', async () => {
    const model = tinyLlama({ ...TINY, layers: 2 });
    await expectMatchesFiniteDifferences(model.graph, model.feeds, [...model.lora, ...model.adapter]);
  });
});

describe('only what is needed', () => {
  const backwardOps = (graph: Graph, forward: Graph, op: string): number => graph.nodes.slice(forward.nodes.length).filter((n) => n.op === op).length;

  it('LoRA training builds fewer backward matrix products than full training, and none for frozen projections', () => {
    const model = tinyLlama({ ...TINY, layers: 2 });
    const full = differentiate(model.graph, { loss: 'loss', wrt: [...model.base, ...model.lora, ...model.adapter] });
    const lora = differentiate(model.graph, { loss: 'loss', wrt: model.lora });
    expect(backwardOps(lora, model.graph, 'MatMul')).toBeLessThan(backwardOps(full, model.graph, 'MatMul'));
    // the k projection has no LoRA: it needs dh (layer 1 LoRA sits below it) but never dWk
    const kProjection = model.graph.nodes.find((n) => n.op === 'MatMul' && n.inputs[1] === 'l0.wk') as Graph['nodes'][number];
    expect(lora.nodes.filter((n) => n.name.startsWith(`grad/${kProjection.name}/`))).toEqual([]);
    expect(lora.outputs.map((o) => o.name).filter((n) => n.startsWith('grad.'))).toEqual(model.lora.map((n) => `grad.${n}`));
  });
});
