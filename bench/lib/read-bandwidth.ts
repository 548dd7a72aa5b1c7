import { GraphBuilder, attr, createSession, runSession, serializeToBytes } from '@plugboard/core';
import * as ort from 'onnxruntime-node';

/**
 * Memory read bandwidth as ORT sees it: the best of a few ReduceSum runs over
 * a float32 tensor of `bytes` (≥ 1 GiB, far beyond the caches).
 */
export async function measureReadBandwidth(bytes = 1024 ** 3, threads = 2): Promise<number> {
  const b = new GraphBuilder('bandwidth');
  const x = b.input('x', 'float32', ['n']);
  b.op1('ReduceSum', [x], { keepdims: attr.int(0) }, { output: 'sum' });
  b.output('sum', 'float32', []);
  const session = await createSession(serializeToBytes(b.build()), { intraOpNumThreads: threads });
  const data = new Float32Array(bytes / 4).fill(1);
  const feeds = { x: new ort.Tensor('float32', data, [data.length]) };
  let best = Infinity;
  for (let i = 0; i < 6; i++) {
    const started = performance.now();
    await runSession(session, feeds);
    best = Math.min(best, performance.now() - started);
  }
  await session.release();
  return bytes / (best / 1000) / 1e9;
}
