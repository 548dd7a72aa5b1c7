import { describe, expect, it } from 'vitest';
import { causalAttention } from './attention.ts';

describe('causalAttention', () => {
  const single = { numHeads: 1, numKvHeads: 1, headDim: 2, slidingWindow: null };

  it('matches a hand-computed softmax over the earlier keys only', () => {
    const queries = Float32Array.from([1, 0, 0, 2]);
    const keys = Float32Array.from([1, 0, 0, 1]);
    const values = Float32Array.from([10, 20, 30, 40]);
    const out = causalAttention(queries, 2, keys, values, 0, single);
    // token 0 sees only itself
    expect([...out.subarray(0, 2)]).toEqual([10, 20]);
    // token 1: scores [0, 2] / sqrt(2)
    const w1 = Math.exp(2 / Math.SQRT2) / (1 + Math.exp(2 / Math.SQRT2));
    expect(out[2]).toBeCloseTo(10 * (1 - w1) + 30 * w1, 4);
    expect(out[3]).toBeCloseTo(20 * (1 - w1) + 40 * w1, 4);
  });

  it('places new queries after the cached keys', () => {
    const keys = Float32Array.from([1, 0, 0, 1]);
    const values = Float32Array.from([10, 20, 30, 40]);
    const lastOnly = causalAttention(Float32Array.from([0, 2]), 1, keys, values, 1, single);
    const full = causalAttention(Float32Array.from([1, 0, 0, 2]), 2, keys, values, 0, single);
    expect(lastOnly).toEqual(full.subarray(2, 4));
  });

  it('maps query head h to kv head floor(h / group)', () => {
    // 4 query heads, 2 kv heads, head_dim 1, one token: output = that kv head's value
    const shape = { numHeads: 4, numKvHeads: 2, headDim: 1, slidingWindow: null };
    const out = causalAttention(Float32Array.from([1, 1, 1, 1]), 1, Float32Array.from([1, 1]), Float32Array.from([5, 7]), 0, shape);
    expect([...out]).toEqual([5, 5, 7, 7]);
  });

  it('with a window of w sees the last w keys, itself included', () => {
    const keys = new Float32Array(4); // equal scores: output = mean of visible values
    const values = Float32Array.from([1, 2, 4, 8]);
    const shape = { numHeads: 1, numKvHeads: 1, headDim: 1, slidingWindow: 2 };
    const out = causalAttention(new Float32Array(4), 4, keys, values, 0, shape);
    expect([...out]).toEqual([1, 1.5, 3, 6]);
  });
});
