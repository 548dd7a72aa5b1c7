import { softmax } from '../softmax.ts';

/** Mean negative log-likelihood of the true classes under softmax(logits / temperature). */
export function meanNll(rows: readonly ArrayLike<number>[], targets: readonly number[], temperature: number): number {
  if (rows.length === 0) return 0;
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    const p = softmax(rows[i], temperature);
    total -= Math.log(Math.max(p[targets[i]], 1e-300));
  }
  return total / rows.length;
}

/** Mean cross-entropy from the uniform distribution: how far out-of-scope rows are from "no idea". */
export function meanUniformCrossEntropy(rows: readonly ArrayLike<number>[], temperature: number): number {
  if (rows.length === 0) return 0;
  let total = 0;
  for (const row of rows) {
    const p = softmax(row, temperature);
    for (let c = 0; c < p.length; c++) total -= Math.log(Math.max(p[c], 1e-300)) / p.length;
  }
  return total / rows.length;
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * Temperature scaling (Guo et al. 2017): the T minimizing held-out NLL. When the held-out
 * in-scope examples are all classified correctly, NLL alone keeps falling as T → 0 and
 * every confidence saturates at 1, leaving nothing for a threshold to separate. So when
 * out-of-scope rows are given they join the loss with a uniform target (as in Outlier
 * Exposure, Hendrycks et al. 2019), weighted by their share of the examples; that pins
 * T where in-scope texts stay confident and out-of-scope ones stay unsure.
 * Both terms are convex in 1/T, hence unimodal in log T: golden-section search finds the optimum.
 */
export function fitTemperature(
  rows: readonly ArrayLike<number>[],
  targets: readonly number[],
  outOfScopeRows: readonly ArrayLike<number>[] = [],
  range: { min: number; max: number } = { min: 1e-3, max: 1e3 },
): number {
  let lo = Math.log(range.min);
  let hi = Math.log(range.max);
  const total = rows.length + outOfScopeRows.length;
  const loss = (logT: number): number => {
    const t = Math.exp(logT);
    return (rows.length * meanNll(rows, targets, t) + outOfScopeRows.length * meanUniformCrossEntropy(outOfScopeRows, t)) / total;
  };
  let a = hi - GOLDEN * (hi - lo);
  let b = lo + GOLDEN * (hi - lo);
  let fa = loss(a);
  let fb = loss(b);
  for (let i = 0; i < 80 && hi - lo > 1e-6; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - GOLDEN * (hi - lo);
      fa = loss(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + GOLDEN * (hi - lo);
      fb = loss(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}
