import { describe, expect, it } from 'vitest';
import {
  bfloat16BitsToFloat32,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
} from './half-precision.ts';

const f16 = (value: number) => float32ToFloat16Bits(Float32Array.of(value))[0];
const bf16 = (value: number) => float32ToBfloat16Bits(Float32Array.of(value))[0];
const fromF16 = (bits: number) => float16BitsToFloat32(Uint16Array.of(bits))[0];

describe('float16', () => {
  it('decodes normals, subnormals, zeros, infinities and NaN exactly', () => {
    expect(fromF16(0x3c00)).toBe(1);
    expect(fromF16(0xc000)).toBe(-2);
    expect(fromF16(0x7bff)).toBe(65504);
    expect(fromF16(0x0001)).toBe(2 ** -24);
    expect(fromF16(0x03ff)).toBe(1023 * 2 ** -24);
    expect(fromF16(0x0400)).toBe(2 ** -14);
    expect(Object.is(fromF16(0x8000), -0)).toBe(true);
    expect(fromF16(0x7c00)).toBe(Infinity);
    expect(fromF16(0xfc00)).toBe(-Infinity);
    expect(fromF16(0x7e00)).toBeNaN();
    expect(fromF16(0x3555)).toBe(0.333251953125);
  });

  it('encodes with round-to-nearest-even, including subnormal and overflow ties', () => {
    expect(f16(1)).toBe(0x3c00);
    expect(f16(1 + 2 ** -11)).toBe(0x3c00); // tie between 1 and 1+2^-10 → even mantissa
    expect(f16(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(f16(65519)).toBe(0x7bff);
    expect(f16(65520)).toBe(0x7c00); // tie between max half and the next power → inf
    expect(f16(1e6)).toBe(0x7c00);
    expect(f16(-1e6)).toBe(0xfc00);
    expect(f16(2 ** -25)).toBe(0x0000); // tie between 0 and the smallest subnormal → 0
    expect(f16(3 * 2 ** -25)).toBe(0x0002);
    expect(f16(2 ** -14 - 2 ** -25)).toBe(0x0400); // rounds up into the smallest normal
    expect(f16(-0)).toBe(0x8000);
    expect(f16(Infinity)).toBe(0x7c00);
    expect(f16(NaN)).toBe(0x7e00);
  });

  it('round-trips every non-NaN half bit pattern', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const back = float32ToFloat16Bits(float16BitsToFloat32(all));
    for (let bits = 0; bits < 65536; bits++) {
      const isNaN = (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
      if (!isNaN && back[bits] !== bits) expect.fail(`half 0x${bits.toString(16)} came back as 0x${back[bits].toString(16)}`);
    }
  });
});

describe('bfloat16', () => {
  it('encodes with round-to-nearest-even and keeps NaN a NaN', () => {
    expect(bf16(1)).toBe(0x3f80);
    expect(bf16(1 + 2 ** -8)).toBe(0x3f80);
    expect(bf16(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(bf16(-2)).toBe(0xc000);
    expect(bf16(3.4028234663852886e38)).toBe(0x7f80);
    expect(bf16(Infinity)).toBe(0x7f80);
    const nan = bf16(NaN);
    expect(nan & 0x7f80).toBe(0x7f80);
    expect(nan & 0x7f).not.toBe(0);
  });

  it('round-trips every non-NaN bfloat16 bit pattern, subnormals included', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const decoded = bfloat16BitsToFloat32(all);
    expect(decoded[0x0001]).toBe(2 ** -133);
    const back = float32ToBfloat16Bits(decoded);
    for (let bits = 0; bits < 65536; bits++) {
      const isNaN = (bits & 0x7f80) === 0x7f80 && (bits & 0x7f) !== 0;
      if (!isNaN && back[bits] !== bits) expect.fail(`bfloat16 0x${bits.toString(16)} came back as 0x${back[bits].toString(16)}`);
    }
  });
});
