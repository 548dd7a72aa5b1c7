import { describe, expect, it } from 'vitest';
import { CandidateList } from './candidate-list.ts';
import { referenceDistribution } from './reference-distribution.ts';
import type { CandidateFilters } from './select-candidates.ts';
import { selectCandidates } from './select-candidates.ts';
import { Xoshiro128StarStar } from './xoshiro128.ts';

function randomLogits(size: number, seed: number, spread = 3): Float32Array {
  const random = Xoshiro128StarStar.fromSeed(seed);
  // Sum of uniforms: a cheap bell shape, like real logits.
  return Float32Array.from({ length: size }, () => (random.nextFloat() + random.nextFloat() + random.nextFloat() - 1.5) * spread);
}

function survivors(logits: Float32Array, filters: CandidateFilters): number[] {
  const list = new CandidateList(4);
  selectCandidates(logits, filters, list);
  return Array.from(list.ids.subarray(0, list.length)).sort((a, b) => a - b);
}

const expected = (logits: Float32Array, filters: CandidateFilters): number[] =>
  [...referenceDistribution(logits, filters).keys()].sort((a, b) => a - b);

/** Logits whose softmax at temperature 1 is exactly `probabilities`. */
const fromProbabilities = (probabilities: number[]): Float32Array => Float32Array.from(probabilities, Math.log);
const off: CandidateFilters = { temperature: 1, topK: 0, topP: 1, minP: 0 };

describe('selectCandidates', () => {
  it('agrees with the full-sort reference over many random rows and filter settings', () => {
    let checked = 0;
    for (const temperature of [0.3, 1, 2.5]) {
      for (const topK of [0, 1, 7, 60, 500]) {
        for (const topP of [1, 0.5, 0.9, 0.99]) {
          for (const minP of [0, 0.05, 0.4]) {
            const filters = { temperature, topK, topP, minP };
            const logits = randomLogits(400, checked);
            expect(survivors(logits, filters), JSON.stringify(filters)).toEqual(expected(logits, filters));
            checked += 1;
          }
        }
      }
    }
    expect(checked).toBe(180);
  });

  it('agrees with the reference on a full 151,936-token row', () => {
    const logits = randomLogits(151_936, 99, 8);
    for (const filters of [
      { temperature: 0.7, topK: 40, topP: 0.9, minP: 0 },
      { temperature: 0.7, topK: 0, topP: 0.9, minP: 0 },
      { temperature: 1, topK: 0, topP: 1, minP: 0.1 },
    ]) {
      expect(survivors(logits, filters), JSON.stringify(filters)).toEqual(expected(logits, filters));
    }
  });

  it('top-k keeps exactly the k highest logits, ties going to the lower id', () => {
    const logits = Float32Array.from([1, 5, 3, 5, 4, 3, 0]);
    expect(survivors(logits, { ...off, topK: 3 })).toEqual([1, 3, 4]);
    expect(survivors(logits, { ...off, topK: 4 })).toEqual([1, 2, 3, 4]);
    expect(survivors(logits, { ...off, topK: 1 })).toEqual([1]);
    // a later, larger logit must evict the higher-id token of a tie
    expect(survivors(Float32Array.from([3, 3, 5]), { ...off, topK: 2 })).toEqual([0, 2]);
    expect(survivors(Float32Array.from([2, 2, 2, 9, 2]), { ...off, topK: 3 })).toEqual([0, 1, 3]);
  });

  it('top-p keeps the smallest highest-first set whose mass reaches p', () => {
    const logits = fromProbabilities([0.1, 0.5, 0.05, 0.2, 0.15]);
    expect(survivors(logits, { ...off, topP: 0.45 })).toEqual([1]);
    expect(survivors(logits, { ...off, topP: 0.69 })).toEqual([1, 3]);
    expect(survivors(logits, { ...off, topP: 0.71 })).toEqual([1, 3, 4]);
    expect(survivors(logits, { ...off, topP: 0.96 })).toEqual([0, 1, 2, 3, 4]);
    // after top-k the mass is measured within the k kept tokens: 0.5 / 0.7 ≥ 0.7
    expect(survivors(logits, { ...off, topK: 2, topP: 0.7 })).toEqual([1]);
  });

  it('top-p breaks ties at the cut by lower id', () => {
    expect(survivors(Float32Array.from([0, 0, 0, 0]), { ...off, topP: 0.5 })).toEqual([0, 1]);
    const tied = Float32Array.from([1, 3, 1, 3, 1]);
    // the two 3s hold 83 % of the mass; the next token is the 1 with the lowest id
    expect(survivors(tied, { ...off, topP: 0.5 })).toEqual([1, 3]);
    expect(survivors(tied, { ...off, topP: 0.85 })).toEqual([0, 1, 3]);
    expect(survivors(tied, { ...off, topK: 4, topP: 0.9 })).toEqual([0, 1, 3]);
  });

  it('top-p measures mass after temperature', () => {
    // At T=0.5 the probabilities become ∝ p²: the 0.5 token alone holds 0.25 / 0.325 ≈ 77 % of the mass.
    const logits = fromProbabilities([0.1, 0.5, 0.05, 0.2, 0.15]);
    expect(survivors(logits, { ...off, temperature: 0.5, topP: 0.75 })).toEqual([1]);
    expect(survivors(logits, { ...off, temperature: 1, topP: 0.75 })).toEqual([1, 3, 4]);
  });

  it('min-p drops tokens below minP times the top probability', () => {
    const logits = fromProbabilities([0.1, 0.5, 0.05, 0.2, 0.15]);
    expect(survivors(logits, { ...off, minP: 0.25 })).toEqual([1, 3, 4]);
    expect(survivors(logits, { ...off, minP: 0.35 })).toEqual([1, 3]);
    expect(survivors(logits, { ...off, minP: 0.15 })).toEqual([0, 1, 3, 4]);
    expect(survivors(logits, { ...off, minP: 1 })).toEqual([1]);
  });

  it('keeps the whole row when every filter is off, ignoring NaN', () => {
    expect(survivors(Float32Array.from([0, Number.NaN, -Infinity, 2]), off)).toEqual([0, 2, 3]);
  });
});
