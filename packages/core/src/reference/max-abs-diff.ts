import { PlugboardError } from '../errors/plugboard-error.ts';

/** Largest |a[i] - b[i]|; the measure reference comparisons are stated in. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new PlugboardError('INVALID_ARGUMENT', `cannot compare arrays of lengths ${a.length} and ${b.length}`);
  }
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - b[i]);
    // NaN anywhere must not read as "equal"
    if (!(diff <= max)) max = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff;
  }
  return max;
}
