const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
/** Below this |x| the positive-term series is used, above it the continued fraction. */
const SERIES_LIMIT = 3;
/** Enough continued-fraction terms for full double precision at |x| >= SERIES_LIMIT. */
const CONTINUED_FRACTION_TERMS = 200;

/**
 * The error function to about 1e-15 absolute, for the exact (erf) GELU.
 * Polynomial fits such as Abramowitz-Stegun 7.1.26 (~1e-7) are too coarse
 * for a reference that other paths are checked against at 1e-4 on logits.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const a = Math.abs(x);
  const value = a < SERIES_LIMIT ? erfSeries(a) : 1 - erfcContinuedFraction(a);
  return x < 0 ? -value : value;
}

/**
 * erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)).
 * Every term is positive, so nothing cancels (unlike the Maclaurin series).
 */
function erfSeries(x: number): number {
  const twoX2 = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 500 && term > sum * 1e-17; n++) {
    term *= twoX2 / (2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
}

/**
 * erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))),
 * evaluated bottom-up; converges fast for x >= 3.
 */
function erfcContinuedFraction(x: number): number {
  let tail = x;
  for (let n = CONTINUED_FRACTION_TERMS; n >= 1; n--) tail = x + n / 2 / tail;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / tail;
}
