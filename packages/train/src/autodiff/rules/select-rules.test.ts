import type { OpCase } from '../gradient-check.ts';
import { describeOpCases } from '../testing/op-case-suite.ts';

const binary = (op: string): OpCase => ({
  dtype: 'float64',
  inputs: { a: { shape: [2, 3] }, b: { shape: [3] } },
  build: (b, x) => b.op1(op, [x.a, x.b]),
});

describeOpCases('Where / Max / Min VJP rules against central differences', {
  'Where with broadcast branches': {
    dtype: 'float64',
    inputs: { a: { shape: [2, 3] }, b: { shape: [3] } },
    build: (b, x) => {
      const cond = b.initializer('cond', 'bool', [2, 3], Uint8Array.from([1, 0, 1, 0, 0, 1]));
      return b.op1('Where', [cond, x.a, x.b]);
    },
  },
  Max: binary('Max'),
  Min: binary('Min'),
});
