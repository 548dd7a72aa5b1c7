import { describe, expect, it } from 'vitest';
import { Xoshiro128StarStar } from './xoshiro128.ts';

const take = (random: Xoshiro128StarStar, n: number): number[] => Array.from({ length: n }, () => random.nextUint32());

describe('Xoshiro128StarStar', () => {
  it('matches the reference xoshiro128** output for state [1, 2, 3, 4]', () => {
    expect(take(new Xoshiro128StarStar([1, 2, 3, 4]), 10)).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  it('gives equal streams for equal seeds and different streams for different seeds', () => {
    expect(take(Xoshiro128StarStar.fromSeed(42), 20)).toEqual(take(Xoshiro128StarStar.fromSeed(42), 20));
    expect(take(Xoshiro128StarStar.fromSeed(42), 20)).not.toEqual(take(Xoshiro128StarStar.fromSeed(43), 20));
    // seeds that agree in their low 32 bits still differ
    expect(take(Xoshiro128StarStar.fromSeed(7), 20)).not.toEqual(take(Xoshiro128StarStar.fromSeed(7 + 2 ** 32), 20));
    expect(take(Xoshiro128StarStar.fromSeed(-1), 20)).not.toEqual(take(Xoshiro128StarStar.fromSeed(2 ** 32 - 1), 20));
  });

  it('does not get stuck on the all-zero state', () => {
    expect(take(new Xoshiro128StarStar([0, 0, 0, 0]), 4).some((x) => x !== 0)).toBe(true);
  });

  it('produces uniform floats in [0, 1)', () => {
    const random = Xoshiro128StarStar.fromSeed(1);
    const n = 100_000;
    const buckets = new Array<number>(10).fill(0);
    let outOfRange = 0;
    for (let i = 0; i < n; i += 1) {
      const x = random.nextFloat();
      if (!(x >= 0 && x < 1)) outOfRange += 1;
      else buckets[Math.floor(x * 10)] += 1;
    }
    expect(outOfRange).toBe(0);
    for (const count of buckets) expect(Math.abs(count / n - 0.1)).toBeLessThan(0.005);
  });
});
