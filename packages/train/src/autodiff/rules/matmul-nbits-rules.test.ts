import { SeededRandom, attr, packMatMulNBits } from '@plugboard/core';
import type { OpCase } from '../gradient-check.ts';
import { describeOpCases } from '../testing/op-case-suite.ts';

/** y = MatMulNBits(x, quantized W [n, k]): the kernel's forward (ORT) against our dequantizing backward. */
const matmulNBits = (bits: 4 | 8, shapeX: number[], n: number, blockSize: number): OpCase => ({
  dtype: 'float32',
  inputs: { x: { shape: shapeX } },
  build: (b, x) => {
    const k = shapeX.at(-1) as number;
    const w = new SeededRandom(bits * 100 + n).normals(n * k, 0.5);
    const packed = packMatMulNBits(w, n, k, { bits, blockSize });
    const codes = b.initializer(`w${bits}.q`, 'uint8', [n, Math.ceil(k / blockSize), (blockSize * bits) / 8], packed.b);
    const scales = b.initializer(`w${bits}.scales`, 'float32', [packed.scales.length], new Uint8Array(packed.scales.buffer));
    const attributes = { K: attr.int(k), N: attr.int(n), bits: attr.int(bits), block_size: attr.int(blockSize), accuracy_level: attr.int(0) };
    return b.op1('MatMulNBits', [x.x, codes, scales], attributes, { domain: 'com.microsoft' });
  },
});

describeOpCases('MatMulNBits VJP rule (gradient to the input through the dequantized weights) against central differences', {
  'int4, K = 32 (two blocks)': matmulNBits(4, [3, 32], 5, 16),
  'int4, K = 20 (padded last block), 3-D input': matmulNBits(4, [2, 3, 20], 4, 16),
  'int8, K = 48': matmulNBits(8, [4, 48], 3, 16),
  'int8, K = 24 (padded)': matmulNBits(8, [2, 24], 6, 32),
});
