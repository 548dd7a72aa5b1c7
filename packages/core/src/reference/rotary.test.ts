import { describe, expect, it } from 'vitest';
import { applyRotary } from './rotary.ts';
import { SeededRandom } from '../random/seeded-random.ts';

function dot(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, value, i) => sum + value * b[i], 0);
}

describe('applyRotary', () => {
  it('is the identity at position 0', () => {
    const x = new SeededRandom(1).normals(3 * 8);
    expect(applyRotary(x, [0], 3, 8, 10000)).toEqual(x);
  });

  it('rotates each (x[j], x[j + hd/2]) pair by p / theta^(2j/hd) (rotate_half layout)', () => {
    const x = Float32Array.from([1, 2, 3, 4]);
    const y = applyRotary(x, [1], 1, 4, 10000);
    // inv_freq = [1, 1/100]
    const expected = [
      1 * Math.cos(1) - 3 * Math.sin(1),
      2 * Math.cos(0.01) - 4 * Math.sin(0.01),
      3 * Math.cos(1) + 1 * Math.sin(1),
      4 * Math.cos(0.01) + 2 * Math.sin(0.01),
    ];
    expected.forEach((value, i) => expect(y[i]).toBeCloseTo(value, 6));
  });

  it('uses each token its own position and leaves heads independent', () => {
    const random = new SeededRandom(2);
    const head = random.normals(4);
    const twoTokens = new Float32Array([...head, ...head]);
    const y = applyRotary(twoTokens, [0, 5], 1, 4, 10000);
    expect(y.subarray(0, 4)).toEqual(head);
    expect(y.subarray(4, 8)).toEqual(applyRotary(head, [5], 1, 4, 10000));
  });

  it('makes q.k depend only on the position difference and keeps norms', () => {
    const random = new SeededRandom(3);
    const q = random.normals(16);
    const k = random.normals(16);
    const at = (p: number, v: Float32Array): Float32Array => applyRotary(v, [p], 1, 16, 10000);
    expect(dot(at(7, q), at(3, k))).toBeCloseTo(dot(at(104, q), at(100, k)), 4);
    expect(dot(at(7, q), at(3, k))).not.toBeCloseTo(dot(at(3, q), at(3, k)), 2);
    expect(dot(at(9, q), at(9, q))).toBeCloseTo(dot(q, q), 4);
  });
});
