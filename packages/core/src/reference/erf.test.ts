import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, gelu, relu, silu } from './activations.ts';
import { erf } from './erf.ts';

// Values from CPython's math.erf / math.erfc (correctly rounded to ~1 ulp).
const ERF_TABLE: [number, number][] = [
  [0.1, 0.1124629160182849],
  [0.5, 0.5204998778130465],
  [1, 0.8427007929497149],
  [1.5, 0.9661051464753108],
  [2, 0.9953222650189527],
  [2.5, 0.999593047982555],
  [2.999, 0.9999777698314002],
  [3, 0.9999779095030014],
  [3.5, 0.9999992569016276],
  [4, 0.9999999845827421],
  [5, 0.9999999999984626],
  [-0.7, -0.6778011938374184],
];

describe('erf', () => {
  it.each(ERF_TABLE)('erf(%d) matches to 1e-15', (x, expected) => {
    expect(Math.abs(erf(x) - expected)).toBeLessThan(1e-15);
  });

  it('is odd, zero at zero, saturates, and passes NaN through', () => {
    expect(erf(0)).toBe(0);
    expect(erf(-1.25)).toBe(-erf(1.25));
    expect(erf(30)).toBe(1);
    expect(erf(Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(erf(Number.NaN)).toBeNaN();
  });
});

describe('activations', () => {
  it.each([
    [1, 0.8413447460685429],
    [-1, -0.15865525393145707],
    [2, 1.9544997361036416],
    [-3, -0.00404969409489031],
    [0.3, 0.18537342665668577],
    [-5, -1.4332578593959731e-6],
    [-6, -5.919525870226207e-9],
  ])('exact gelu(%d)', (x, expected) => {
    expect(Math.abs(gelu(x) - expected)).toBeLessThan(1e-14);
  });

  it('silu and relu follow their definitions', () => {
    expect(silu(1)).toBeCloseTo(0.7310585786300049, 15);
    expect(silu(-2)).toBeCloseTo(-2 / (1 + Math.exp(2)), 15);
    expect(relu(-0.5)).toBe(0);
    expect(relu(0.5)).toBe(0.5);
    expect(ACTIVATIONS.gelu).toBe(gelu);
  });
});
