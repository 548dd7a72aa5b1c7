import { describe, expect, it } from 'vitest';
import { classificationMetrics, type Prediction } from './metrics.ts';

// Hand-checked example (see each number's derivation in the comments below).
const predictions: Prediction[] = [
  { label: 'a', route: 'a', top: 'a', confidence: 0.9 },
  { label: 'a', route: 'b', top: 'b', confidence: 0.6 },
  { label: 'b', route: 'b', top: 'b', confidence: 0.8 },
  { label: 'b', route: null, top: 'b', confidence: 0.4 },
  { label: null, route: null, top: 'a', confidence: 0.3 },
  { label: null, route: 'b', top: 'b', confidence: 0.7 },
];

describe('classificationMetrics', () => {
  it('matches the hand-computed numbers', () => {
    const m = classificationMetrics(predictions);
    // In scope: rows 1–4; rows 1 and 3 are right.
    expect(m.accuracy).toBe(0.5);
    // a: TP 1, decided 1, actual 2 → F1 2/3. b: TP 1, decided 3, actual 2 → F1 2/5. Mean 8/15.
    expect(m.macro_f1).toBeCloseTo(8 / 15, 12);
    // Out of scope: rows 5, 6; row 5 rejected.
    expect(m.oos_recall).toBe(0.5);
    // Null decisions: rows 4, 5; row 5 is out of scope.
    expect(m.oos_precision).toBe(0.5);
    // In-scope rows fall in four different bins: |1−0.9| + |0−0.6| + |1−0.8| + |1−0.4|, over 4.
    expect(m.ece).toBeCloseTo(0.375, 12);
    expect(m.confusion).toEqual({
      labels: ['a', 'b', '(none)'],
      matrix: [
        [1, 1, 0],
        [0, 1, 1],
        [0, 1, 1],
      ],
    });
  });

  it('reports null for metrics with nothing to measure', () => {
    const m = classificationMetrics([{ label: null, route: null, top: null, confidence: 0 }]);
    expect(m.accuracy).toBeNull();
    expect(m.macro_f1).toBeNull();
    expect(m.ece).toBeNull();
    expect(m.oos_recall).toBe(1);
  });

  it('averages confidence and accuracy inside a bin before comparing them (ECE)', () => {
    const m = classificationMetrics([
      { label: 'a', route: 'a', top: 'a', confidence: 0.71 },
      { label: 'a', route: 'b', top: 'b', confidence: 0.73 },
    ]);
    // One bin: accuracy 0.5, mean confidence 0.72 → 0.22.
    expect(m.ece).toBeCloseTo(0.22, 12);
  });
});
