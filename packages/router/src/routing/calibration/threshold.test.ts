import { describe, expect, it } from 'vitest';
import { isPlugboardError } from '@plugboard/core';
import { fitThreshold, type ThresholdSample } from './threshold.ts';

const inScope = (confidence: number, correct = true): ThresholdSample => ({ confidence, inScope: true, correct });
const oos = (confidence: number): ThresholdSample => ({ confidence, inScope: false, correct: false });

describe('fitThreshold', () => {
  it('balanced: picks the middle of the gap between out-of-scope and in-scope confidences', () => {
    const samples = [oos(0.2), oos(0.3), oos(0.4), inScope(0.6), inScope(0.8), inScope(0.9)];
    expect(fitThreshold(samples, { kind: 'balanced' })).toBeCloseTo(0.5, 12);
  });

  it('balanced: trades one in-scope miss for more out-of-scope rejections when that scores higher', () => {
    // Accepting ≥0.55: accuracy 3/4, oos recall 3/3 → 0.875. Accepting ≥0.45 instead: 1 + 2/3 → 0.833.
    const samples = [oos(0.3), oos(0.4), inScope(0.5), oos(0.5001), inScope(0.6), inScope(0.7), inScope(0.8)];
    expect(fitThreshold(samples, { kind: 'balanced' })).toBeCloseTo((0.5001 + 0.6) / 2, 12);
  });

  it('oos-recall: the lowest band that rejects the target share of out-of-scope examples', () => {
    const samples = [oos(0.1), oos(0.2), oos(0.3), oos(0.7), inScope(0.5), inScope(0.9)];
    expect(fitThreshold(samples, { kind: 'oos-recall', target: 0.75 })).toBeCloseTo(0.4, 12);
    expect(fitThreshold(samples, { kind: 'oos-recall', target: 1 })).toBeCloseTo(0.8, 12);
  });

  it('in-scope-coverage: the highest threshold that keeps the target share of in-scope examples', () => {
    const samples = [inScope(0.2), inScope(0.4), inScope(0.6), inScope(0.8)];
    expect(fitThreshold(samples, { kind: 'in-scope-coverage', target: 0.75 })).toBeCloseTo(0.3, 12);
  });

  it('needs out-of-scope examples for the objectives that use them', () => {
    expect(() => fitThreshold([inScope(0.5)], { kind: 'balanced' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    try {
      fitThreshold([inScope(0.5)], { kind: 'oos-recall', target: 0.9 });
      expect.unreachable();
    } catch (error) {
      expect(isPlugboardError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
