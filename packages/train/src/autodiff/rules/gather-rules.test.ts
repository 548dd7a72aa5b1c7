import { describe, expect, it } from 'vitest';
import { GraphBuilder, SeededRandom, attr, createSession, runSession, serializeToBytes } from '@plugboard/core';
import { differentiate, gradientName } from '../differentiate.ts';
import { TRAINING_SESSION_OPTIONS } from '../../trainer/graph-runner.ts';
import { floatTensor, int64Tensor } from '../../trainer/ort-tensors.ts';
import type { OrtTensor } from '../../trainer/ort-tensors.ts';
import type { OpCase } from '../gradient-check.ts';
import { int64Constant } from '../gradient-check.ts';
import { describeOpCases } from '../testing/op-case-suite.ts';

const one = (shape: number[], build: OpCase['build']): OpCase => ({ dtype: 'float64', inputs: { x: { shape } }, build });

describeOpCases('Gather / GatherElements VJP rules against central differences', {
  // token 2 appears twice: its row must get both gradients
  'Gather axis 0 (embedding lookup) with repeated ids': one([5, 3], (b, x) =>
    b.op1('Gather', [x.x, int64Constant(b, [2, 0, 2, 4], [2, 2])]),
  ),
  'Gather axis 1 with repeated indices': one([2, 4, 3], (b, x) =>
    b.op1('Gather', [x.x, int64Constant(b, [3, 1, 3], [3])], { axis: attr.int(1) }),
  ),
  'Gather axis 1 with a scalar index': one([2, 4, 3], (b, x) => b.op1('Gather', [x.x, b.constant('int64', [2], [])], { axis: attr.int(1) })),
  'GatherElements axis 1 (label logits)': one([3, 4], (b, x) =>
    b.op1('GatherElements', [x.x, int64Constant(b, [1, 3, 0], [3, 1])], { axis: attr.int(1) }),
  ),
  'GatherElements axis 0 with repeats': one([3, 2], (b, x) =>
    b.op1('GatherElements', [x.x, int64Constant(b, [0, 0, 2, 0], [2, 2])], { axis: attr.int(0) }),
  ),
});

describe('Gather VJP at embedding scale', () => {
  it('sums every row of a frequent token under two threads (ORT ScatterND with add races there and loses some)', async () => {
    const [vocab, hidden, tokens] = [64, 256, 16384];
    const random = new SeededRandom(4);
    // a Zipf-like draw: token 0 about a third of the time, as spaces are in text
    const ids = Array.from({ length: tokens }, () => (random.nextFloat() < 0.35 ? 0 : random.nextInt(vocab)));
    const weights = random.normals(tokens * hidden, 1);
    const b = new GraphBuilder('embedding');
    const table = b.input('table', 'float32', [vocab, hidden]);
    // inputs, not constants: ORT would fold a constant gradient at load, on one thread
    const rows = b.op1('Gather', [table, b.input('ids', 'int64', [tokens])]);
    const w = b.input('w', 'float32', [tokens, hidden]);
    b.op1('ReduceSum', [b.op1('Mul', [rows, w])], { keepdims: attr.int(0) }, { output: 'loss' });
    b.output('loss', 'float32', []);
    const session = await createSession(serializeToBytes(differentiate(b.build(), { loss: 'loss', wrt: ['table'] })), TRAINING_SESSION_OPTIONS);
    const feeds = {
      table: floatTensor(new Float32Array(vocab * hidden), [vocab, hidden]),
      ids: int64Tensor(BigInt64Array.from(ids, BigInt), [tokens]),
      w: floatTensor(weights, [tokens, hidden]),
    };
    // d loss / d table[v] = the sum of w's rows where the token is v, summed here in float64
    const expected = new Float64Array(vocab * hidden);
    ids.forEach((id, n) => {
      for (let h = 0; h < hidden; h++) expected[id * hidden + h] = (expected[id * hidden + h] as number) + (weights[n * hidden + h] as number);
    });
    // a race loses terms now and then: a few runs make one likely to show (the racing ScatterND lost some in the first)
    for (let run = 0; run < 3; run++) {
      const grad = ((await runSession(session, feeds))[gradientName('table')] as OrtTensor).data as Float32Array;
      let worst = 0;
      for (let i = 0; i < grad.length; i++) worst = Math.max(worst, Math.abs((grad[i] as number) - (expected[i] as number)));
      // float32 sums of ~6,000 unit normals: rounding stays far below one lost term (~1)
      expect(worst, `run ${run}`).toBeLessThan(1e-2);
    }
  });
});
