import { describe, expect, it } from 'vitest';
import { rmsNorm } from './rms-norm.ts';

describe('rmsNorm', () => {
  it('matches a hand computation', () => {
    const y = rmsNorm(Float32Array.from([1, 2, 3, 4]), 1, 4, Float32Array.from([1, 1, 2, 0.5]), 0);
    const rms = Math.sqrt(30 / 4);
    [1 / rms, 2 / rms, 6 / rms, 2 / rms].forEach((value, i) => expect(y[i]).toBeCloseTo(value, 6));
  });

  it('normalizes each head on its own (the qwen3 q/k norm on rows = heads)', () => {
    // two heads of head_dim 2: [3, 4] and [0.5, -0.5], shared weight [2, 1], eps 1e-6
    const y = rmsNorm(Float32Array.from([3, 4, 0.5, -0.5]), 2, 2, Float32Array.from([2, 1]), 1e-6);
    const first = Math.sqrt(25 / 2 + 1e-6);
    const second = Math.sqrt(0.25 + 1e-6);
    const expected = [(3 / first) * 2, 4 / first, (0.5 / second) * 2, -0.5 / second];
    expected.forEach((value, i) => expect(y[i]).toBeCloseTo(value, 6));
  });

  it('adds eps inside the square root', () => {
    const y = rmsNorm(Float32Array.from([0.001]), 1, 1, Float32Array.from([1]), 1e-6);
    expect(y[0]).toBeCloseTo(0.001 / Math.sqrt(1e-6 + 1e-6), 6);
  });
});
