import { attr } from '@plugboard/core';
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
