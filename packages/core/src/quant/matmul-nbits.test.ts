import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/seeded-random.ts';
import { expectPlugboardError } from '../testing/test-helpers.ts';
import { GraphBuilder } from '../graph/graph-builder.ts';
import { attr, bytesOf } from '../graph/ir.ts';
import { CONTRIB_DOMAIN } from '../graph/onnx-format.ts';
import { f32, relativeError, runGraph } from '../graph/ort-test-kit.ts';
import { linear } from '../reference/linear.ts';
import type { MatMulNBitsOptions, PackedMatMulNBits } from './matmul-nbits.ts';
import { blockCount, dequantizeMatMulNBits, packMatMulNBits } from './matmul-nbits.ts';

function randomWeight(seed: number, n: number): Float32Array {
  return new SeededRandom(seed).fillNormal(new Float32Array(n), 0, 0.05);
}

/** Y = X · MatMulNBits(W): the quantized initializers and the node, as the inference builder emits them. */
function matMulNBitsGraph(packed: PackedMatMulNBits, rows: number, accuracyLevel: number) {
  const { N, K, bits, blockSize } = packed;
  const nBlocks = blockCount(K, blockSize);
  const b = new GraphBuilder('matmul_nbits');
  const x = b.input('x', 'float32', [rows, K]);
  const inputs = [
    x,
    b.initializer('w.q', 'uint8', [N, nBlocks, (blockSize * bits) / 8], packed.b),
    b.initializer('w.scales', 'float32', [N * nBlocks], bytesOf(packed.scales)),
  ];
  if (packed.zeroPoints !== undefined) inputs.push(b.initializer('w.zero_points', 'uint8', [packed.zeroPoints.length], packed.zeroPoints));
  const attributes = { K: attr.int(K), N: attr.int(N), bits: attr.int(bits), block_size: attr.int(blockSize), accuracy_level: attr.int(accuracyLevel) };
  b.op1('MatMulNBits', inputs, attributes, { domain: CONTRIB_DOMAIN, output: 'y' });
  b.output('y', 'float32', [rows, N]);
  return b.build();
}

/**
 * Integer activations in [-127, 127] with 127 in every block: accuracy_level 4
 * quantizes A blockwise to int8 with scale max|a|/127 = 1, which is then
 * exact, so both accuracy levels must match the float reference closely.
 */
function int8ExactActivations(rows: number, K: number, blockSize: number): Float32Array {
  const random = new SeededRandom(99);
  const x = new Float32Array(rows * K);
  for (let i = 0; i < x.length; i++) x[i] = (i % K) % blockSize === 0 ? 127 : random.nextInt(255) - 127;
  return x;
}

describe('packMatMulNBits', () => {
  it('packs 4-bit codes low nibble first with the midpoint zero point when symmetric', () => {
    // values -8..7 times 0.5: the extreme -4 maps to code 0, so scale = 0.5 and codes are 0..15
    const w = Float32Array.from({ length: 16 }, (_, i) => (i - 8) * 0.5);
    const packed = packMatMulNBits(w, 1, 16, { bits: 4, blockSize: 16 });
    expect(Array.from(packed.scales)).toEqual([0.5]);
    expect(Array.from(packed.b)).toEqual([0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe]);
    expect(packed.zeroPoints).toBeUndefined();
    expect(Array.from(dequantizeMatMulNBits(packed))).toEqual(Array.from(w));
  });

  it('packs asymmetric zero points per row, low nibble first, padded to whole bytes', () => {
    // 3 blocks per row -> 2 zero-point bytes per row; block b of row n holds values in [-(b+1), 4]
    const [N, K, blockSize] = [2, 48, 16];
    const w = new Float32Array(N * K);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) w[n * K + k] = k % blockSize === 0 ? -(Math.floor(k / blockSize) + 1) : k % blockSize === 1 ? 4 : 0;
    const packed = packMatMulNBits(w, N, K, { bits: 4, blockSize, symmetric: false });
    // zero point = round(-min / ((max - min) / 15)) = round(15 m / (m + 4)) for m = 1, 2, 3: 3, 5, 6
    expect(Array.from(packed.zeroPoints ?? [])).toEqual([0x53, 0x06, 0x53, 0x06]);
  });

  for (const bits of [4, 8] as const) {
    for (const symmetric of [true, false]) {
      // symmetric maps the block's extreme to code 0 (one more step of resolution), so values of the
      // opposite sign near the extreme's magnitude clip to the top code: up to one step of error
      const tolerance = symmetric ? 1 : 0.5;
      it(`round-trips ${bits}-bit ${symmetric ? 'symmetric' : 'asymmetric'} weights within ${tolerance} step, with K padded to the block`, () => {
        const [N, K, blockSize] = [5, 40, 32];
        const w = randomWeight(bits + (symmetric ? 0 : 1), N * K);
        const packed = packMatMulNBits(w, N, K, { bits, blockSize, symmetric });
        expect(packed.b.length).toBe(N * 2 * ((blockSize * bits) / 8));
        const restored = dequantizeMatMulNBits(packed);
        for (let n = 0; n < N; n++) {
          for (let k = 0; k < K; k++) {
            const scale = Math.abs(packed.scales[n * 2 + Math.floor(k / blockSize)]);
            expect(Math.abs(restored[n * K + k] - w[n * K + k])).toBeLessThanOrEqual(scale * tolerance + 1e-7);
          }
        }
      });
    }
  }

  it('quantizes an all-zero block to zeros', () => {
    const packed = packMatMulNBits(new Float32Array(32), 1, 32, { bits: 4, blockSize: 32, symmetric: false });
    expect(Array.from(dequantizeMatMulNBits(packed))).toEqual(new Array(32).fill(0));
  });

  it('rejects bad options and mismatched sizes', () => {
    const w = new Float32Array(64);
    const bad: MatMulNBitsOptions[] = [
      { bits: 4, blockSize: 24 },
      { bits: 4, blockSize: 8 },
      { bits: 3 as 4, blockSize: 32 },
    ];
    for (const options of bad) expectPlugboardError(() => packMatMulNBits(w, 2, 32, options), 'INVALID_ARGUMENT', 'MatMulNBits options');
    expectPlugboardError(() => packMatMulNBits(w, 3, 32, { bits: 4, blockSize: 32 }), 'INVALID_ARGUMENT', 'N=3, K=32');
  });
});

describe('MatMulNBits in onnxruntime', () => {
  const [rows, N, K] = [3, 24, 80];
  for (const bits of [4, 8] as const) {
    for (const symmetric of [true, false]) {
      for (const accuracyLevel of [0, 4]) {
        for (const blockSize of [16, 32]) {
          it(`equals X · dequantize(W) for ${bits}-bit ${symmetric ? 'symmetric' : 'asymmetric'}, block ${blockSize}, accuracy_level ${accuracyLevel}`, async () => {
            const packed = packMatMulNBits(randomWeight(bits * 10 + blockSize, N * K), N, K, { bits, blockSize, symmetric });
            const x = int8ExactActivations(rows, K, blockSize);
            const { y } = await runGraph(matMulNBitsGraph(packed, rows, accuracyLevel), { x: f32(x, [rows, K]) });
            expect(relativeError(y, linear(x, rows, dequantizeMatMulNBits(packed), N, K))).toBeLessThanOrEqual(1e-4);
          });
        }
      }
    }
  }
});
