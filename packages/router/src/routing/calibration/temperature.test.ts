import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@plugboard/core';
import { softmax } from '../softmax.ts';
import { fitTemperature, meanNll } from './temperature.ts';

/** Labels drawn from softmax(z), but the model reports 4·z: overconfident by a factor of 4. */
function overconfidentSet(count: number): { rows: Float64Array[]; targets: number[] } {
  const random = new SeededRandom(3);
  const rows: Float64Array[] = [];
  const targets: number[] = [];
  for (let i = 0; i < count; i++) {
    const z = Float64Array.from({ length: 5 }, () => (random.next() - 0.5) * 4);
    const p = softmax(z);
    let u = random.next();
    let label = 0;
    while (label < 4 && u >= p[label]) u -= p[label++];
    rows.push(z.map((x) => 4 * x));
    targets.push(label);
  }
  return { rows, targets };
}

describe('temperature scaling', () => {
  it('recovers the overconfidence factor and lowers held-out NLL', () => {
    const { rows, targets } = overconfidentSet(3000);
    const t = fitTemperature(rows, targets);
    expect(t).toBeGreaterThan(3.4);
    expect(t).toBeLessThan(4.6);
    expect(meanNll(rows, targets, t)).toBeLessThan(meanNll(rows, targets, 1) - 0.3);
  });

  it('with perfectly separated in-scope rows, out-of-scope rows keep T from collapsing to the lower bound', () => {
    const rows = [Float64Array.of(3, 0), Float64Array.of(0, 3)];
    const targets = [0, 1];
    const collapsed = fitTemperature(rows, targets);
    expect(collapsed).toBeLessThan(0.2);
    const oos = [Float64Array.of(1.5, 0), Float64Array.of(0, 1.5)];
    const t = fitTemperature(rows, targets, oos);
    expect(t).toBeGreaterThan(5 * collapsed);
    expect(softmax(oos[0], t)[0]).toBeLessThan(softmax(rows[0], t)[0]);
  });
});
