import { GraphBuilder, PlugboardError, attr, createSession, runSession, serializeToBytes } from '@plugboard/core';
import type { Graph } from '@plugboard/core';
import { describe, expect, it } from 'vitest';
import { differentiate, gradientName } from './differentiate.ts';
import type { OrtTensor } from './gradient-check.ts';
import { TOLERANCE, compareWithFiniteDifferences, floatTensor, int64Constant } from './gradient-check.ts';
import { TINY, tinyLlama } from './tiny-llama-graph.ts';

/** x [2,3] (data) · A [3,4] (adapter) · W [4,5] (frozen weight) → loss = ReduceSum(y·y). */
function chain(): Graph {
  const b = new GraphBuilder('chain');
  const x = b.input('x', 'float32', [2, 3]);
  const h = b.op1('MatMul', [x, b.input('A', 'float32', [3, 4])]);
  const y = b.op1('MatMul', [h, b.input('W', 'float32', [4, 5])]);
  b.op1('ReduceSum', [b.op1('Mul', [y, y])], { keepdims: attr.int(0) }, { output: 'loss' });
  b.output('loss', 'float32', []);
  b.output(y, 'float32', [2, 5]);
  return b.build();
}

const backwardNodes = (forward: Graph, full: Graph): Graph['nodes'] => full.nodes.slice(forward.nodes.length);
const count = (nodes: Graph['nodes'], op: string): number => nodes.filter((n) => n.op === op).length;

async function expectCode(fn: () => unknown, code: string, message?: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PlugboardError);
  expect((caught as PlugboardError).code).toBe(code);
  if (message !== undefined) expect((caught as PlugboardError).message).toMatch(message);
}

describe('differentiate: the graph it returns', () => {
  it('appends grad.<name> outputs with the shape and dtype of each wrt, after the kept forward outputs', () => {
    const graph = chain();
    const result = differentiate(graph, { loss: 'loss', wrt: ['A', 'W'] });
    expect(result.outputs.map((o) => o.name)).toEqual([...graph.outputs.map((o) => o.name), 'grad.A', 'grad.W']);
    expect(result.outputs.slice(-2)).toEqual([
      { name: gradientName('A'), dtype: 'float32', shape: [3, 4] },
      { name: gradientName('W'), dtype: 'float32', shape: [4, 5] },
    ]);
    expect(result.nodes.slice(0, graph.nodes.length)).toEqual(graph.nodes);
  });

  it('keepOutputs: false leaves only the gradients as outputs', () => {
    const result = differentiate(chain(), { loss: 'loss', wrt: ['A'], keepOutputs: false });
    expect(result.outputs.map((o) => o.name)).toEqual(['grad.A']);
  });

  it('a frozen weight gets no gradient product: only dh and dA are built', () => {
    const graph = chain();
    const adapterOnly = backwardNodes(graph, differentiate(graph, { loss: 'loss', wrt: ['A'] }));
    const both = backwardNodes(graph, differentiate(graph, { loss: 'loss', wrt: ['A', 'W'] }));
    const weightOnly = backwardNodes(graph, differentiate(graph, { loss: 'loss', wrt: ['W'] }));
    expect(count(adapterOnly, 'MatMul')).toBe(2);
    expect(count(both, 'MatMul')).toBe(3);
    // dW = hᵀ·g needs no gradient through h, so nothing below the last MatMul is differentiated
    expect(count(weightOnly, 'MatMul')).toBe(1);
    const firstMatMul = graph.nodes.find((n) => n.op === 'MatMul') as Graph['nodes'][number];
    expect(weightOnly.some((n) => n.name.startsWith(`grad/${firstMatMul.name}/`))).toBe(false);
  });

  it('computes correct gradients in onnxruntime, for an input and an initializer', async () => {
    const b = new GraphBuilder('init');
    const x = b.input('x', 'float64', [3]);
    const w = b.initializer('w', 'float64', [3], new Uint8Array(new Float64Array([0.5, -2, 3]).buffer));
    b.op1('ReduceSum', [b.op1('Exp', [b.op1('Mul', [x, w])])], { keepdims: attr.int(0) }, { output: 'loss' });
    b.output('loss', 'float64', []);
    const session = await createSession(serializeToBytes(differentiate(b.build(), { loss: 'loss', wrt: ['x', 'w'] })));
    const out = await runSession(session, { x: floatTensor('float64', [0.1, 0.2, -0.3], [3]) });
    const dx = Array.from((out['grad.x'] as OrtTensor).data as Float64Array);
    const dw = Array.from((out['grad.w'] as OrtTensor).data as Float64Array);
    const xs = [0.1, 0.2, -0.3];
    const ws = [0.5, -2, 3];
    xs.forEach((xi, i) => {
      expect(dx[i]).toBeCloseTo((ws[i] as number) * Math.exp(xi * (ws[i] as number)), 12);
      expect(dw[i]).toBeCloseTo(xi * Math.exp(xi * (ws[i] as number)), 12);
    });
  });

  it('gives zeros for a wrt value the loss does not depend on', async () => {
    const b = new GraphBuilder('unused');
    const x = b.input('x', 'float32', [2]);
    b.input('unused', 'float32', [3]);
    b.op1('ReduceSum', [x], { keepdims: attr.int(0) }, { output: 'loss' });
    b.output('loss', 'float32', []);
    const session = await createSession(serializeToBytes(differentiate(b.build(), { loss: 'loss', wrt: ['x', 'unused'] })));
    const out = await runSession(session, { x: floatTensor('float32', [1, 2], [2]), unused: floatTensor('float32', [1, 2, 3], [3]) });
    expect(Array.from((out['grad.unused'] as OrtTensor).data as Float32Array)).toEqual([0, 0, 0]);
    expect(Array.from((out['grad.x'] as OrtTensor).data as Float32Array)).toEqual([1, 1]);
  });
});

describe('differentiate: symbolic shapes fall back to run-time shapes', () => {
  it('un-broadcasts, reshapes and averages over dims only known at run time', async () => {
    const b = new GraphBuilder('symbolic');
    const a = b.input('a', 'float64', ['m', 3]);
    const c = b.input('c', 'float64', ['n', 3]);
    // m and n are different symbols: which side broadcasts is only known at run time
    const sum = b.op1('Add', [a, c]);
    const flat = b.op1('Reshape', [b.op1('Mul', [sum, sum]), int64Constant(b, [-1])]);
    const mean = b.op1('ReduceMean', [b.op1('Reshape', [flat, int64Constant(b, [-1, 3])]), int64Constant(b, [0])], { keepdims: attr.int(0) });
    b.op1('ReduceSum', [b.op1('Exp', [mean])], { keepdims: attr.int(0) }, { output: 'loss' });
    b.output('loss', 'float64', []);
    const feeds = { a: floatTensor('float64', [0.3, -0.2, 0.5], [1, 3]), c: floatTensor('float64', [0.1, 0.4, -0.6, 0.9, 0.2, -0.1], [2, 3]) };
    const compared = await compareWithFiniteDifferences(b.build(), feeds, ['a', 'c'], 'float64');
    for (const r of Object.values(compared)) expect(r.relativeError).toBeLessThan(TOLERANCE.float64.relative);
  });
});

describe('differentiate: bad input', () => {
  it('rejects an op without a VJP rule on the gradient path, naming the op and node', async () => {
    const b = new GraphBuilder('unknown');
    const x = b.input('x', 'float32', [2]);
    const y = b.op1('Sin', [x], {}, { name: 'the_sine' });
    b.op1('ReduceSum', [y], { keepdims: attr.int(0) }, { output: 'loss' });
    b.output('loss', 'float32', []);
    await expectCode(() => differentiate(b.build(), { loss: 'loss', wrt: ['x'] }), 'GRAPH_INVALID', /Sin.*the_sine/);
  });

  it('rejects a contrib op on the path, but ignores ops off the path', async () => {
    const b = new GraphBuilder('contrib');
    const x = b.input('x', 'float32', [2]);
    const frozen = b.input('frozen', 'float32', [2]);
    const off = b.op1('Sin', [frozen]);
    const y = b.op1('FastGelu', [b.op1('Mul', [x, off])], {}, { domain: 'com.microsoft', name: 'gelu' });
    b.op1('ReduceSum', [y], { keepdims: attr.int(0) }, { output: 'loss' });
    b.output('loss', 'float32', []);
    await expectCode(() => differentiate(b.build(), { loss: 'loss', wrt: ['x'] }), 'GRAPH_INVALID', /com\.microsoft\.FastGelu.*gelu/);
  });

  it('rejects bad options', async () => {
    const graph = chain();
    await expectCode(() => differentiate(graph, { loss: 'nope', wrt: ['A'] }), 'INVALID_ARGUMENT', /loss "nope"/);
    await expectCode(() => differentiate(graph, { loss: 'loss', wrt: [] }), 'INVALID_ARGUMENT');
    await expectCode(() => differentiate(graph, { loss: 'loss', wrt: ['A', 'A'] }), 'INVALID_ARGUMENT', /twice/);
    const hidden = graph.nodes[0]?.outputs[0] as string;
    await expectCode(() => differentiate(graph, { loss: 'loss', wrt: [hidden] }), 'INVALID_ARGUMENT', /not a graph input or initializer/);
    await expectCode(() => differentiate(graph, { loss: graph.outputs[1]?.name as string, wrt: ['A'] }), 'INVALID_ARGUMENT', /must be a scalar/);
  });

  it('rejects an integer wrt', async () => {
    const b = new GraphBuilder('ints');
    const ids = b.input('ids', 'int64', [2]);
    const table = b.input('table', 'float32', [3, 2]);
    b.op1('ReduceSum', [b.op1('Gather', [table, ids])], { keepdims: attr.int(0) }, { output: 'loss' });
    b.output('loss', 'float32', []);
    await expectCode(() => differentiate(b.build(), { loss: 'loss', wrt: ['ids'] }), 'INVALID_ARGUMENT', /int64/);
  });
});

describe('differentiate: a six-layer model', () => {
  it('differentiates every parameter of a 6-layer model into a graph ORT loads and runs', async () => {
    const model = tinyLlama({ ...TINY, layers: 6, dtype: 'float32' });
    const wrt = [...model.base, ...model.lora, ...model.adapter];
    const session = await createSession(serializeToBytes(differentiate(model.graph, { loss: 'loss', wrt })));
    const out = await runSession(session, model.feeds);
    for (const name of wrt) expect(Number.isFinite((out[gradientName(name)] as OrtTensor).data[0] as number), name).toBe(true);
  });
});
