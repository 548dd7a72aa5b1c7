import { attr } from '@plugboard/core';
import type { OpCase } from '../gradient-check.ts';
import { describeOpCases } from '../testing/op-case-suite.ts';

const matmul = (shapeA: number[], shapeB: number[]): OpCase => ({
  dtype: 'float64',
  inputs: { a: { shape: shapeA }, b: { shape: shapeB } },
  build: (b, x) => b.op1('MatMul', [x.a, x.b]),
});

const gemm = (transA: number, transB: number, shapeA: number[], shapeB: number[], shapeC: number[]): OpCase => ({
  dtype: 'float64',
  inputs: { a: { shape: shapeA }, b: { shape: shapeB }, c: { shape: shapeC } },
  build: (b, x) =>
    b.op1('Gemm', [x.a, x.b, x.c], { transA: attr.int(transA), transB: attr.int(transB), alpha: attr.float(0.5), beta: attr.float(2) }),
});

describeOpCases('MatMul and Gemm VJP rules against central differences', {
  'MatMul 2D x 2D': matmul([2, 3], [3, 4]),
  'MatMul 3D x 2D (weight)': matmul([2, 3, 4], [4, 5]),
  'MatMul batched 4D x 4D': matmul([2, 2, 3, 4], [2, 2, 4, 3]),
  'MatMul broadcast batch [2,1,3,4] x [3,4,2]': matmul([2, 1, 3, 4], [3, 4, 2]),
  'MatMul 1D x 2D': matmul([3], [3, 4]),
  'MatMul 3D x 1D': matmul([2, 3, 4], [4]),
  'MatMul 1D x 1D': matmul([4], [4]),
  'Gemm': gemm(0, 0, [2, 3], [3, 4], [4]),
  'Gemm transA': gemm(1, 0, [3, 2], [3, 4], [2, 1]),
  'Gemm transB': gemm(0, 1, [2, 3], [4, 3], [2, 4]),
  'Gemm transA transB': gemm(1, 1, [3, 2], [4, 3], []),
});
