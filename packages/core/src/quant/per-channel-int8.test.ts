import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/seeded-random.ts';
import { dequantizePerChannelInt8, quantizePerChannelInt8 } from './per-channel-int8.ts';

describe('per-channel int8 weights (DynamicQuantizeMatMul layout)', () => {
  it('transposes to [K, N], scales each output row by its own max, and rounds within half a step', () => {
    const random = new SeededRandom(3);
    const [N, K] = [5, 7];
    const rows = Float32Array.from({ length: N * K }, (_, i) => (random.nextFloat() - 0.5) * (1 + Math.floor(i / K))); // rows of growing range
    const packed = quantizePerChannelInt8(rows, N, K);
    const codes = new Int8Array(packed.b.buffer);
    for (let n = 0; n < N; n++) {
      const max = Math.max(...rows.subarray(n * K, (n + 1) * K).map(Math.abs));
      expect(packed.scales[n]).toBeCloseTo(max / 127, 7);
      // the largest weight of the row lands on ±127, stored at [k, n]
      const k = rows.subarray(n * K, (n + 1) * K).findIndex((w) => Math.abs(w) === max);
      expect(Math.abs(codes[k * N + n] as number)).toBe(127);
    }
    const back = dequantizePerChannelInt8(packed);
    for (let i = 0; i < N * K; i++) expect(Math.abs((back[i] as number) - (rows[i] as number))).toBeLessThanOrEqual((packed.scales[Math.floor(i / K)] as number) / 2 + 1e-7);
  });

  it('keeps an all-zero row exact (scale 1, codes 0)', () => {
    const packed = quantizePerChannelInt8(new Float32Array(6), 2, 3);
    expect([...packed.scales]).toEqual([1, 1]);
    expect([...dequantizePerChannelInt8(packed)]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
