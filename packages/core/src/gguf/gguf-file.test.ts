import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/test-helpers.ts';
import { float32ToFloat16Bits } from '../hf/half-precision.ts';
import { dequantize } from './dequantize.ts';
import { GgufFile } from './gguf-file.ts';
import { permuteRopeRows, unpermuteRopeRows } from './rope-permutation.ts';
import { encodeTensor, writeGguf } from './testing/gguf-writer.ts';

const tmp = useTempDir('gguf-file');

/** A block's f16 scale bytes. */
const half = (d: number) => {
  const bits = float32ToFloat16Bits(Float32Array.of(d))[0]!;
  return [bits & 0xff, bits >> 8];
};

describe('GgufFile', () => {
  it('reads every metadata type and the tensor table, with data at the aligned offsets', () => {
    const path = join(tmp, 'all.gguf');
    const data = encodeTensor(Float32Array.from({ length: 64 }, (_, i) => i - 32), 'F32');
    writeGguf(
      path,
      [
        { key: 'general.architecture', type: 'string', value: 'llama' },
        { key: 'a.u32', type: 'u32', value: 4_000_000_000 },
        { key: 'a.i32', type: 'i32', value: -5 },
        { key: 'a.f32', type: 'f32', value: 1e-5 },
        { key: 'a.u64', type: 'u64', value: 2 ** 40 },
        { key: 'a.bool', type: 'bool', value: true },
        { key: 'a.strings', type: 'string[]', value: ['x', 'ünï', ''] },
        { key: 'a.ints', type: 'i32[]', value: [1, -2, 3] },
      ],
      [
        { name: 'first', dims: [3], type: 0, data: encodeTensor(Float32Array.of(1, 2, 3), 'F32') },
        { name: 'second', dims: [16, 4], type: 0, data },
      ],
    );
    const file = GgufFile.open(path);
    expect(Object.fromEntries(file.metadata)).toEqual({
      'general.architecture': 'llama',
      'a.u32': 4_000_000_000,
      'a.i32': -5,
      'a.f32': 1e-5, // the float32 read back as the decimal it was written from
      'a.u64': 2 ** 40,
      'a.bool': true,
      'a.strings': ['x', 'ünï', ''],
      'a.ints': [1, -2, 3],
    });
    const second = file.tensors.get('second')!;
    expect(second.dims).toEqual([16, 4]);
    expect(second.fileOffset % 32).toBe(0);
    expect(new Float32Array(file.read(second).buffer)).toEqual(Float32Array.from({ length: 64 }, (_, i) => i - 32));
    file.close();
  });
});

describe('dequantize', () => {
  it('Q8_0: d·q for each of the 32 int8 values', () => {
    const qs = Array.from({ length: 32 }, (_, j) => j - 16);
    const block = Uint8Array.from([...half(0.5), ...qs.map((q) => q & 0xff)]);
    expect([...dequantize(block, 'Q8_0', 32)]).toEqual(qs.map((q) => q * 0.5));
  });

  it('Q4_0: low nibbles are values 0-15, high nibbles 16-31, each d·(q − 8)', () => {
    const low = Array.from({ length: 16 }, (_, j) => j);
    const high = Array.from({ length: 16 }, (_, j) => 15 - j);
    const block = Uint8Array.from([...half(0.25), ...low.map((l, j) => l | (high[j]! << 4))]);
    expect([...dequantize(block, 'Q4_0', 32)]).toEqual([...low, ...high].map((q) => (q - 8) * 0.25));
  });

  it('quantize→dequantize stays within the quantization step of each block (llama.cpp\'s reference quantizers)', () => {
    const x = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 7)));
    // Q8_0: half a step, plus the f16 rounding of d times |q| ≤ 127 (2^-11 each);
    // Q4_0: the side opposite the block's extreme is clamped at +7, so up to a whole step
    for (const [type, levels, steps] of [['Q8_0', 127, 0.5 + 127 * 2 ** -11], ['Q4_0', 8, 1 + 8 * 2 ** -11]] as const) {
      const back = dequantize(encodeTensor(x, type), type, x.length);
      for (let b = 0; b < 8; b++) {
        const block = x.subarray(b * 32, b * 32 + 32);
        const step = Math.max(...block.map(Math.abs)) / levels;
        for (let j = 0; j < 32; j++) expect(Math.abs(back[b * 32 + j]! - block[j]!)).toBeLessThanOrEqual(step * steps + 1e-6);
      }
    }
  });
});

describe('llama q/k row permutation', () => {
  it('interleaves each head\'s rotary halves and un-permuting restores the rows', () => {
    // 2 heads of dim 4, 1 column: HF rows [h0: a0 a1 b0 b1, h1: …] → GGUF [a0 b0 a1 b1, …]
    const hf = Float32Array.of(0, 1, 2, 3, 10, 11, 12, 13);
    const gguf = permuteRopeRows(hf, 2, 1);
    expect([...gguf]).toEqual([0, 2, 1, 3, 10, 12, 11, 13]);
    expect([...unpermuteRopeRows(gguf, 2, 1)]).toEqual([...hf]);
  });
});
