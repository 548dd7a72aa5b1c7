import type { FloatDType, OpCase } from '../gradient-check.ts';
import { describeOpCases } from '../testing/op-case-suite.ts';

/** Unary ops, with the dtype ORT's CPU provider runs each in (float64 where it has a double kernel). */
const unary: [op: string, dtype: FloatDType, range?: 'positive'][] = [
  ['Identity', 'float64'],
  ['Neg', 'float64'],
  ['Sqrt', 'float64', 'positive'],
  ['Reciprocal', 'float64', 'positive'],
  ['Exp', 'float64'],
  ['Log', 'float64', 'positive'],
  ['Sigmoid', 'float64'],
  ['Tanh', 'float64'],
  ['Erf', 'float32'], // ORT has no double Erf kernel
  ['Relu', 'float64'],
];

const cases: Record<string, OpCase> = Object.fromEntries(
  unary.map(([op, dtype, range]) => [op, { dtype, inputs: { x: { shape: [2, 3], range } }, build: (b, x) => b.op1(op, [x.x]) }]),
);

describeOpCases('unary VJP rules against central differences', cases);
