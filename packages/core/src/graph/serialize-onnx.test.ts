import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/seeded-random.ts';
import { expectPlugboardError } from '../testing/test-helpers.ts';
import { linear } from '../reference/linear.ts';
import { maxAbsDiff } from '../reference/max-abs-diff.ts';
import { GraphBuilder } from './graph-builder.ts';
import type { Graph } from './ir.ts';
import { attr, bytesOf } from './ir.ts';
import { P } from './onnx-proto-parts.ts';
import { f32, i64, runGraph } from './ort-test-kit.ts';
import { serializeToBytes } from './serialize-onnx.ts';

function randomFloats(seed: number, n: number): Float32Array {
  return new SeededRandom(seed).fillNormal(new Float32Array(n), 0, 1);
}

/** y = x·Wᵀ + b with W [out, in] (Hugging Face Linear layout). */
function matMulAddGraph(w: Float32Array, bias: Float32Array, inF: number, outF: number): Graph {
  const b = new GraphBuilder('matmul_add');
  const x = b.input('x', 'float32', ['batch', inF]);
  const wName = b.initializer('w', 'float32', [outF, inF], () => bytesOf(w));
  const biasName = b.initializer('bias', 'float32', [outF], bytesOf(bias));
  const wT = b.op1('Transpose', [wName], { perm: attr.ints([1, 0]) });
  b.op1('Add', [b.op1('MatMul', [x, wT]), biasName], {}, { output: 'y' });
  b.output('y', 'float32', ['batch', outF]);
  return b.build();
}

describe('serializeToBytes', () => {
  it('runs MatMul + Add in onnxruntime with the same numbers as TypeScript', async () => {
    const [inF, outF, rows] = [5, 3, 2];
    const w = randomFloats(1, inF * outF);
    const bias = randomFloats(2, outF);
    const x = randomFloats(3, rows * inF);
    const { y } = await runGraph(matMulAddGraph(w, bias, inF, outF), { x: f32(x, [rows, inF]) });
    expect(maxAbsDiff(y, linear(x, rows, w, outF, inF, bias))).toBeLessThan(1e-5);
  });

  it('runs Gather over an embedding table', async () => {
    const table = randomFloats(4, 6 * 4);
    const b = new GraphBuilder('gather');
    const ids = b.input('ids', 'int64', ['batch', 'seq']);
    const tableName = b.initializer('table', 'float32', [6, 4], bytesOf(table));
    b.op1('Gather', [tableName, ids], { axis: attr.int(0) }, { output: 'y' });
    b.output('y', 'float32', ['batch', 'seq', 4]);
    const { y } = await runGraph(b.build(), { ids: i64([5, 0, 2], [1, 3]) });
    expect(Array.from(y)).toEqual([...table.subarray(20, 24), ...table.subarray(0, 4), ...table.subarray(8, 12)]);
  });

  it('writes int, float, ints, floats, string and tensor attributes that ORT reads back', async () => {
    const b = new GraphBuilder('attributes');
    const x = b.input('x', 'float32', [2, 3]);
    const floats = b.op1('Constant', [], { value_floats: attr.floats([0.5, -1.5, 2]) });
    const float = b.op1('Constant', [], { value_float: attr.float(0.25) });
    const shape = b.op1('Constant', [], { value_ints: attr.ints([2, 3]) });
    const one = b.op1('Constant', [], { value_int: attr.int(1) });
    const filled = b.op1('ConstantOfShape', [shape], {
      value: attr.tensor({ name: 'fill', dtype: 'float32', dims: [1], data: bytesOf(new Float32Array([3])) }),
    });
    const transposed = b.op1('Transpose', [x], { perm: attr.ints([1, 0]) });
    b.op1('Gelu', [x], { approximate: attr.string('tanh') }, { output: 'gelu' });
    b.op1('Add', [b.op1('Mul', [x, floats]), float], {}, { output: 'affine' });
    b.op1('Add', [filled, b.op1('Cast', [one], { to: attr.int(P.TensorProto.DataType.FLOAT) })], {}, { output: 'filled' });
    b.op1('Identity', [transposed], {}, { output: 'transposed' });
    for (const name of ['gelu', 'affine', 'filled', 'transposed']) b.output(name, 'float32', []);
    const xs = [-2, -0.5, 0, 0.5, 1, 3];
    const out = await runGraph(b.build(), { x: f32(xs, [2, 3]) });
    const tanhGelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    expect(maxAbsDiff(out.gelu, xs.map(tanhGelu))).toBeLessThan(1e-5);
    expect(Array.from(out.affine)).toEqual(xs.map((v, i) => v * [0.5, -1.5, 2][i % 3] + 0.25));
    expect(Array.from(out.filled)).toEqual([4, 4, 4, 4, 4, 4]);
    expect(Array.from(out.transposed)).toEqual([-2, 0.5, -0.5, 1, 0, 3]);
  });

  it('is deterministic: the same graph gives the same bytes, lazy or eager data alike', () => {
    const w = randomFloats(5, 8 * 4);
    const bias = randomFloats(6, 4);
    const first = serializeToBytes(matMulAddGraph(w, bias, 8, 4));
    const second = serializeToBytes(matMulAddGraph(Float32Array.from(w), Float32Array.from(bias), 8, 4));
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    const changed = Float32Array.from(w);
    changed[0] += 1;
    expect(Buffer.from(serializeToBytes(matMulAddGraph(changed, bias, 8, 4))).equals(Buffer.from(first))).toBe(false);
  });

  it('declares IR 10, opset 21 and com.microsoft 1', () => {
    const model = P.ModelProto.decode(serializeToBytes(matMulAddGraph(new Float32Array(4), new Float32Array(2), 2, 2)));
    expect(Number(model.irVersion)).toBe(10);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([
      ['', 21],
      ['com.microsoft', 1],
    ]);
  });

  it('rejects an initializer whose bytes do not match its dims', () => {
    const graph = matMulAddGraph(new Float32Array(4), new Float32Array(2), 2, 2);
    const broken: Graph = { ...graph, initializers: [{ ...graph.initializers[0], dims: [3, 2] }, graph.initializers[1]] };
    expectPlugboardError(() => serializeToBytes(broken), 'GRAPH_INVALID', '"w"', '16 bytes', '24');
  });

  it('rejects negative or fractional dims', () => {
    const graph = matMulAddGraph(new Float32Array(4), new Float32Array(2), 2, 2);
    const broken: Graph = { ...graph, initializers: [{ ...graph.initializers[0], dims: [-2, -2] }] };
    expectPlugboardError(() => serializeToBytes(broken), 'GRAPH_INVALID', 'invalid dim -2');
  });
});
