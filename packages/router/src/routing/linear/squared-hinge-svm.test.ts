import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@plugboard/core';
import type { SparseVector } from './sparse-vector.ts';
import { trainSquaredHingeSvm } from './squared-hinge-svm.ts';

/** Seeded sparse inputs: each class leans on its own features, with shared noise features. */
function problem(examples: number, classes: number, dimension: number, seed: number): { inputs: SparseVector[]; targets: number[] } {
  const random = new SeededRandom(seed);
  const inputs: SparseVector[] = [];
  const targets: number[] = [];
  for (let i = 0; i < examples; i++) {
    const target = i % classes;
    const features = new Map<number, number>();
    for (let k = 0; k < 4; k++) features.set(random.next() < 0.7 ? target * 3 + random.nextInt(3) : classes * 3 + random.nextInt(dimension - classes * 3), random.next() + 0.1);
    const indices = [...features.keys()].sort((a, b) => a - b);
    inputs.push({ indices: Int32Array.from(indices), values: Float64Array.from(indices, (f) => features.get(f) as number) });
    targets.push(target);
  }
  return { inputs, targets };
}

describe('trainSquaredHingeSvm', () => {
  it('reaches the optimum of the primal: w = 2C Σ max(0, 1 − y·s) y x̃ for every class (bias on a constant feature)', () => {
    const classes = 3;
    const dimension = 24;
    const c = 0.7;
    const { inputs, targets } = problem(60, classes, dimension, 5);
    const model = trainSquaredHingeSvm(inputs, targets, classes, dimension, { c, epochs: 2000, seed: 1, tolerance: 1e-7 });
    let worst = 0;
    for (let k = 0; k < classes; k++) {
      // the primal gradient ½‖w̃‖² + C Σ max(0, 1 − y w̃·x̃)²: w̃ − 2C Σ max(0, 1 − y s) y x̃
      const gradient = Float64Array.from({ length: dimension + 1 }, (_, f) => (f < dimension ? model.weights[f * classes + k] : model.bias[k]));
      inputs.forEach((x, i) => {
        const y = targets[i] === k ? 1 : -1;
        const slack = Math.max(0, 1 - y * model.score(x, k));
        for (let j = 0; j < x.indices.length; j++) gradient[x.indices[j]] -= 2 * c * slack * y * x.values[j];
        gradient[dimension] -= 2 * c * slack * y;
      });
      for (const g of gradient) worst = Math.max(worst, Math.abs(g));
    }
    expect(worst).toBeLessThan(1e-3);
  });

  it('separates what is separable and is deterministic for a seed', () => {
    const { inputs, targets } = problem(90, 3, 30, 8);
    const a = trainSquaredHingeSvm(inputs, targets, 3, 30, { c: 10, epochs: 50, seed: 2 });
    const b = trainSquaredHingeSvm(inputs, targets, 3, 30, { c: 10, epochs: 50, seed: 2 });
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    const correct = inputs.filter((x, i) => {
      const logits = a.logits(x);
      return logits.indexOf(Math.max(...logits)) === targets[i];
    }).length;
    expect(correct / inputs.length).toBeGreaterThan(0.9);
  });
});
