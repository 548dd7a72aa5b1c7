import { attr } from '@plugboard/core';
import type { OpCase } from '../gradient-check.ts';
import { int64Constant } from '../gradient-check.ts';
import { describeOpCases } from '../testing/op-case-suite.ts';

const one = (shape: number[], build: OpCase['build']): OpCase => ({ dtype: 'float64', inputs: { x: { shape } }, build });

describeOpCases('layout VJP rules against central differences', {
  'Reshape with 0 and -1': one([2, 3, 4], (b, x) => b.op1('Reshape', [x.x, int64Constant(b, [0, -1])])),
  'Flatten axis 2': one([2, 3, 4], (b, x) => b.op1('Flatten', [x.x], { axis: attr.int(2) })),
  'Transpose perm [2, 0, 1]': one([2, 3, 4], (b, x) => b.op1('Transpose', [x.x], { perm: attr.ints([2, 0, 1]) })),
  'Transpose default perm': one([2, 3, 4], (b, x) => b.op1('Transpose', [x.x])),
  'Unsqueeze axes [0, -1]': one([2, 3], (b, x) => b.op1('Unsqueeze', [x.x, int64Constant(b, [0, -1])])),
  'Squeeze axes [1]': one([2, 1, 3], (b, x) => b.op1('Squeeze', [x.x, int64Constant(b, [1])])),
  'Expand [3,1] to [2,3,4]': one([3, 1], (b, x) => b.op1('Expand', [x.x, int64Constant(b, [2, 3, 4])])),
  // float32: the round trip through float64 is exact, but a float64 test through float32 would lose the FD step
  'Cast float32 to float64 and back': {
    dtype: 'float32',
    inputs: { x: { shape: [2, 3] } },
    build: (b, x) => b.op1('Cast', [b.op1('Cast', [x.x], { to: attr.int(11) })], { to: attr.int(1) }),
  },
  'Trilu lower': one([3, 3], (b, x) => b.op1('Trilu', [x.x], { upper: attr.int(0) })),
  'Trilu upper k=1': one([3, 4], (b, x) => b.op1('Trilu', [x.x, b.constant('int64', [1], [])], { upper: attr.int(1) })),
});
