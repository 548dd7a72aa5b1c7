import { GraphBuilder, attr, createSession, runSession, serializeToBytes } from '@plugboard/core';
import type { InferenceSession } from 'onnxruntime-node';
import * as ort from 'onnxruntime-node';
import { round } from './bench-io.ts';

/** Read bandwidth in GB/s by each probe, and the best of them (the bound decode is compared with). */
export interface ReadBandwidth {
  /** ReduceSum over one float32 vector: one pass, but a reduction ORT splits coarsely */
  reduce_sum_gbps: number;
  /** an fp32 GEMV (x[1, K] · W[K, N]), the kernel an fp32 decode step streams its weights through */
  gemv_gbps: number;
  best_gbps: number;
}

async function bestRunMs(session: InferenceSession, feeds: Record<string, ort.Tensor>, runs = 6): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await runSession(session, feeds);
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

async function reduceSum(bytes: number, threads: number): Promise<number> {
  const b = new GraphBuilder('bandwidth-reduce');
  const x = b.input('x', 'float32', ['n']);
  b.op1('ReduceSum', [x], { keepdims: attr.int(0) }, { output: 'sum' });
  b.output('sum', 'float32', []);
  const session = await createSession(serializeToBytes(b.build()), { intraOpNumThreads: threads });
  const data = new Float32Array(bytes / 4).fill(1);
  const ms = await bestRunMs(session, { x: new ort.Tensor('float32', data, [data.length]) });
  await session.release();
  return bytes / (ms / 1000) / 1e9;
}

async function gemv(bytes: number, threads: number): Promise<number> {
  const n = 4096;
  const k = bytes / 4 / n;
  const b = new GraphBuilder('bandwidth-gemv');
  const x = b.input('x', 'float32', [1, k]);
  const w = b.input('w', 'float32', [k, n]);
  b.op1('MatMul', [x, w], {}, { output: 'y' });
  b.output('y', 'float32', [1, n]);
  const session = await createSession(serializeToBytes(b.build()), { intraOpNumThreads: threads });
  const feeds = { x: new ort.Tensor('float32', new Float32Array(k).fill(1), [1, k]), w: new ort.Tensor('float32', new Float32Array(k * n).fill(0.5), [k, n]) };
  const ms = await bestRunMs(session, feeds);
  await session.release();
  return bytes / (ms / 1000) / 1e9;
}

/**
 * Memory read bandwidth as ORT sees it, over float32 tensors of `bytes`
 * (≥ 1 GiB, far beyond the caches), by two probes: a ReduceSum alone read
 * 13.2 GB/s on a host where an fp32 decode streamed ≈ 24 GB/s, so the bound
 * is the best probe, not one.
 */
export async function measureReadBandwidth(bytes = 1024 ** 3, threads = 2): Promise<ReadBandwidth> {
  const reduce = await reduceSum(bytes, threads);
  const matvec = await gemv(bytes, threads);
  return { reduce_sum_gbps: round(reduce, 1), gemv_gbps: round(matvec, 1), best_gbps: round(Math.max(reduce, matvec), 1) };
}
