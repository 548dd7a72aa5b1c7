import { attr } from '@plugboard/core';
import type { OpCase } from '../gradient-check.ts';
import { int64Constant } from '../gradient-check.ts';
import { describeOpCases } from '../testing/op-case-suite.ts';

const reduce = (op: string, axes: number[] | null, keepdims: number): OpCase => ({
  dtype: 'float64',
  inputs: { x: { shape: [2, 3, 4] } },
  build: (b, x) => b.op1(op, axes === null ? [x.x] : [x.x, int64Constant(b, axes)], { keepdims: attr.int(keepdims) }),
});

const softmax = (op: string, axis: number): OpCase => ({
  dtype: 'float64',
  inputs: { x: { shape: [2, 3, 4] } },
  build: (b, x) => b.op1(op, [x.x], { axis: attr.int(axis) }),
});

describeOpCases('reduce and softmax VJP rules against central differences', {
  'ReduceSum axes [1] keepdims': reduce('ReduceSum', [1], 1),
  'ReduceSum axes [0, -1] no keepdims': reduce('ReduceSum', [0, -1], 0),
  'ReduceSum all axes no keepdims': reduce('ReduceSum', null, 0),
  'ReduceMean axes [-1] keepdims': reduce('ReduceMean', [-1], 1),
  'ReduceMean axes [0, 2] no keepdims': reduce('ReduceMean', [0, 2], 0),
  'ReduceMean all axes keepdims': reduce('ReduceMean', null, 1),
  'Softmax axis -1': softmax('Softmax', -1),
  'Softmax axis 1': softmax('Softmax', 1),
  'LogSoftmax axis -1': softmax('LogSoftmax', -1),
  'LogSoftmax axis 0': softmax('LogSoftmax', 0),
});
