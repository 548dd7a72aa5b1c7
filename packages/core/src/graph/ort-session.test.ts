import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/test-helpers.ts';
import { GraphBuilder } from './graph-builder.ts';
import type { Graph } from './ir.ts';
import { createSession, runSession } from './ort-session.ts';
import { f32 } from './ort-test-kit.ts';
import { serializeToBytes } from './serialize-onnx.ts';

const dir = useTempDir('ort-session');

function doubleGraph(): Graph {
  const b = new GraphBuilder('double');
  const x = b.input('x', 'float32', ['n']);
  b.op1('Add', [x, x], {}, { output: 'y' });
  b.output('y', 'float32', ['n']);
  return b.build();
}

describe('createSession', () => {
  it('opens a model from bytes with typed options and runs it', async () => {
    const session = await createSession(serializeToBytes(doubleGraph()), {
      intraOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      enableCpuMemArena: false,
      config: { 'session.disable_prepacking': '1' },
    });
    const { y } = await runSession(session, { x: f32([1, 2.5], [2]) });
    expect(Array.from(y.data as Float32Array)).toEqual([2, 5]);
  });

  it('hands config entries to ORT (an ORT-format load of an ONNX model must fail)', async () => {
    const bytes = serializeToBytes(doubleGraph());
    await expect(createSession(bytes, { config: { 'session.load_model_format': 'ORT' } })).rejects.toMatchObject({ code: 'ORT_ERROR' });
  });

  it('writes the optimized model where optimizedModelFilePath says', async () => {
    const path = join(dir, 'optimized.onnx');
    await createSession(serializeToBytes(doubleGraph()), { optimizedModelFilePath: path });
    expect(existsSync(path)).toBe(true);
  });

  it('turns corrupt bytes, a missing file and an unknown op into ORT_ERROR', async () => {
    await expect(createSession(new Uint8Array([1, 2, 3, 4, 5]))).rejects.toMatchObject({ code: 'ORT_ERROR' });
    await expect(createSession(join(dir, 'missing.onnx'))).rejects.toMatchObject({ code: 'ORT_ERROR', message: expect.stringContaining('missing.onnx') });
    const graph = doubleGraph();
    const unknownOp: Graph = { ...graph, nodes: graph.nodes.map((n) => ({ ...n, op: 'NoSuchOp' })) };
    await expect(createSession(serializeToBytes(unknownOp))).rejects.toMatchObject({ code: 'ORT_ERROR', message: expect.stringContaining('NoSuchOp') });
  });

  it('rejects invalid options before touching ORT', async () => {
    await expect(createSession(serializeToBytes(doubleGraph()), { intraOpNumThreads: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('runSession', () => {
  it('turns a bad feed into ORT_ERROR', async () => {
    const session = await createSession(serializeToBytes(doubleGraph()));
    await expect(runSession(session, { wrong: f32([1], [1]) })).rejects.toMatchObject({ code: 'ORT_ERROR' });
  });
});
