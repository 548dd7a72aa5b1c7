import type { OpCase } from '../gradient-check.ts';
import { describeOpCases } from '../testing/op-case-suite.ts';

const cases: Record<string, OpCase> = {
  'Add (broadcast [2,3] + [3])': { dtype: 'float64', inputs: { a: { shape: [2, 3] }, b: { shape: [3] } }, build: (b, x) => b.op1('Add', [x.a, x.b]) },
  'Sub (broadcast [2,1] - [1,3])': { dtype: 'float64', inputs: { a: { shape: [2, 1] }, b: { shape: [1, 3] } }, build: (b, x) => b.op1('Sub', [x.a, x.b]) },
  'Mul (broadcast [2,3,4] * [3,1])': { dtype: 'float64', inputs: { a: { shape: [2, 3, 4] }, b: { shape: [3, 1] } }, build: (b, x) => b.op1('Mul', [x.a, x.b]) },
  'Mul (same input twice)': { dtype: 'float64', inputs: { a: { shape: [4] } }, build: (b, x) => b.op1('Mul', [x.a, x.a]) },
  'Div (broadcast [2,3] / [2,1])': { dtype: 'float64', inputs: { a: { shape: [2, 3] }, b: { shape: [2, 1], range: 'positive' } }, build: (b, x) => b.op1('Div', [x.a, x.b]) },
  'Pow (base and exponent)': {
    dtype: 'float64',
    inputs: { a: { shape: [2, 3], range: 'positive' }, p: { shape: [3] } },
    build: (b, x) => b.op1('Pow', [x.a, x.p]),
  },
};

describeOpCases('binary VJP rules against central differences', cases);
