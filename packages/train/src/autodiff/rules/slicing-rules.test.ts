import { attr } from '@plugboard/core';
import type { OpCase } from '../gradient-check.ts';
import { int64Constant } from '../gradient-check.ts';
import { describeOpCases } from '../testing/op-case-suite.ts';

const one = (shape: number[], build: OpCase['build']): OpCase => ({ dtype: 'float64', inputs: { x: { shape } }, build });

describeOpCases('Concat / Split / Slice VJP rules against central differences', {
  'Concat axis 1': {
    dtype: 'float64',
    inputs: { a: { shape: [2, 1, 3] }, b: { shape: [2, 2, 3] }, c: { shape: [2, 3, 3] } },
    build: (b, x) => b.op1('Concat', [x.a, x.b, x.c], { axis: attr.int(1) }),
  },
  'Split into sizes [1, 3] on axis -1, both used': one([2, 4], (b, x) => {
    const [lo, hi] = b.op('Split', [x.x, int64Constant(b, [1, 3])], { axis: attr.int(-1) }, { outputs: 2 }) as [string, string];
    return b.op1('Concat', [hi, b.op1('Neg', [lo])], { axis: attr.int(1) });
  }),
  'Split in 3 equal parts, only the middle used': one([6, 2], (b, x) => {
    const parts = b.op('Split', [x.x], { axis: attr.int(0), num_outputs: attr.int(3) }, { outputs: 3 });
    return b.op1('Exp', [parts[1] as string]);
  }),
  'Slice with negative start and open end': one([3, 5], (b, x) =>
    b.op1('Slice', [x.x, int64Constant(b, [-3]), int64Constant(b, [1000]), int64Constant(b, [1])]),
  ),
  'Slice two axes, default axes and steps': one([4, 5], (b, x) => b.op1('Slice', [x.x, int64Constant(b, [1, 0]), int64Constant(b, [3, -2])])),
  'rotate-half via Slice/Neg/Concat': one([2, 6], (b, x) => {
    const first = b.op1('Slice', [x.x, int64Constant(b, [0]), int64Constant(b, [3]), int64Constant(b, [-1])]);
    const second = b.op1('Slice', [x.x, int64Constant(b, [3]), int64Constant(b, [6]), int64Constant(b, [-1])]);
    return b.op1('Concat', [b.op1('Neg', [second]), first], { axis: attr.int(-1) });
  }),
});
