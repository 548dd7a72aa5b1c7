import { SeededRandom } from '@plugboard/core';
import { LinearClassifier } from './linear-classifier.ts';
import type { SparseVector } from './sparse-vector.ts';

export interface SquaredHingeOptions {
  /** Inverse regularization strength (liblinear's C). */
  c: number;
  epochs: number;
  seed: number;
  /** Stop once no pair's projected gradient exceeds this (default 1e-3). */
  tolerance?: number;
}

/**
 * One-vs-rest linear SVM with the squared hinge loss, trained by dual coordinate descent
 * (Hsieh et al. 2008, what liblinear and scikit-learn's LinearSVC run): for class k and
 * example i with y = ±1, minimize over α ≥ 0 the dual of
 * ½‖w‖² + C Σ max(0, 1 − y(w·x + b))², the bias being a weight on a constant feature of 1.
 * Each step is exact for one α, so there is no learning rate to tune. A pair (example,
 * class) met with α = 0 and its margin already past 1 is shrunk
 * (skipped, as in liblinear): it has no loss and no say in w; with many classes almost every
 * negative pair goes, so later passes cost a few classes per example instead of all of
 * them. When no active pair's projected gradient exceeds `tolerance`, a pass over every
 * pair checks the optimum; training stops there, or after `epochs` passes.
 */
export function trainSquaredHingeSvm(
  inputs: readonly SparseVector[],
  targets: ArrayLike<number>,
  classes: number,
  dimension: number,
  options: SquaredHingeOptions,
): LinearClassifier {
  const model = LinearClassifier.zeros(classes, dimension);
  const { weights, bias } = model;
  const n = inputs.length;
  const diagonal = 1 / (2 * options.c);
  const tolerance = options.tolerance ?? 1e-3;
  const alpha = new Float32Array(n * classes);
  const active = new Uint8Array(n * classes).fill(1);
  const squaredNorm = Float64Array.from(inputs, (x) => x.values.reduce((s, v) => s + v * v, 0) + 1 + diagonal);
  const scores = new Float64Array(classes);
  const random = new SeededRandom(options.seed);
  const order = Array.from({ length: n }, (_, i) => i);

  let full = true;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    let violation = 0;
    for (const i of random.shuffled(order)) {
      const x = inputs[i];
      const at = i * classes;
      if (full) model.logitsInto(x, scores);
      for (let c = 0; c < classes; c++) {
        if (!full && active[at + c] === 0) continue;
        const y = targets[i] === c ? 1 : -1;
        const a = alpha[at + c];
        const gradient = y * (full ? scores[c] : model.score(x, c)) - 1 + diagonal * a;
        if (a === 0 && gradient >= 0) {
          active[at + c] = 0;
          continue;
        }
        violation = Math.max(violation, a === 0 ? -gradient : Math.abs(gradient));
        const next = Math.max(a - gradient / squaredNorm[i], 0);
        const step = (next - a) * y;
        if (step === 0) continue;
        alpha[at + c] = next;
        for (let k = 0; k < x.indices.length; k++) weights[x.indices[k] * classes + c] += step * x.values[k];
        bias[c] += step;
      }
    }
    if (violation < tolerance) {
      // Optimal on the active pairs: one pass over every pair confirms it (or carries on).
      if (full) break;
      active.fill(1);
      full = true;
    } else {
      full = false;
    }
  }
  return model;
}
