import { SeededRandom } from '@plugboard/core';

/** A seeded Fisher–Yates permutation of 0..n-1: same seed, same order, on every machine. */
export function seededPermutation(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const random = new SeededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}
