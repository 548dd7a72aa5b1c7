import { describe, expect, it } from 'vitest';
import { SeededRandom, deriveSeed } from './seeded-random.ts';

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 5 }, () => random.nextUint32());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('draws uniform floats in [0, 1) and integers in [0, n)', () => {
    const random = new SeededRandom(3);
    const floats = Array.from({ length: 10000 }, () => random.nextFloat());
    expect(Math.min(...floats)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...floats)).toBeLessThan(1);
    expect(floats.reduce((a, b) => a + b, 0) / floats.length).toBeCloseTo(0.5, 1);
    const ints = new Set(Array.from({ length: 1000 }, () => random.nextInt(7)));
    expect([...ints].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('samples normals with the requested mean and spread, odd lengths included', () => {
    const samples = new SeededRandom(9).fillNormal(new Float32Array(200001), 1.5, 0.02);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    const std = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / samples.length);
    expect(mean).toBeCloseTo(1.5, 3);
    expect(std).toBeCloseTo(0.02, 3);
    expect(samples.every(Number.isFinite)).toBe(true);
    expect(samples[samples.length - 1]).not.toBe(0);
    const within = samples.filter((x) => Math.abs(x - 1.5) < 0.02).length / samples.length;
    expect(within).toBeCloseTo(0.6827, 2); // one-sigma mass of a normal
  });

  it('derives distinct seeds per label', () => {
    expect(deriveSeed(0, 'a')).toBe(deriveSeed(0, 'a'));
    expect(deriveSeed(0, 'a')).not.toBe(deriveSeed(0, 'b'));
    expect(deriveSeed(0, 'a')).not.toBe(deriveSeed(1, 'a'));
  });
});
