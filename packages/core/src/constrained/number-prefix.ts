import type { NumberRange } from './schema-node.ts';

/** Longest integer part and fraction the recognizer lets a number have (bounded, so a model cannot loop on digits). */
export const MAX_INTEGER_DIGITS = 16;
export const MAX_FRACTION_DIGITS = 8;

/**
 * Whether the number prefix `text` (`-?(0|[1-9][0-9]*)(\.[0-9]*)?`, no
 * exponent) can still be completed to a value in `range` within the digit
 * limits: the values it can reach form a few intervals (one per count of
 * integer digits still to come), and one must meet the range.
 */
export function prefixCanReach(text: string, integer: boolean, range: NumberRange): boolean {
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const dot = body.indexOf('.');
  const meets = (low: number, high: number, highOpen: boolean) =>
    negative ? overlaps(-high, highOpen, -low, false, integer, range) : overlaps(low, false, high, highOpen, integer, range);
  if (body === '') return meets(0, 10 ** MAX_INTEGER_DIGITS, true);
  if (dot >= 0) {
    const fraction = body.length - dot - 1;
    const value = Number(body.endsWith('.') ? body.slice(0, -1) : body);
    return fraction >= MAX_FRACTION_DIGITS ? meets(value, value, false) : meets(value, value + 10 ** -fraction, true);
  }
  const whole = Number(body);
  // "0" continues only with a fraction; other integer parts may also grow by more digits
  if (whole === 0) return integer ? meets(0, 0, false) : meets(0, 1, true);
  for (let more = 0; more <= MAX_INTEGER_DIGITS - body.length; more += 1) {
    const scale = 10 ** more;
    const reach = integer && more === 0 ? meets(whole, whole, false) : meets(whole * scale, (whole + 1) * scale, !integer || more > 0);
    if (reach) return true;
  }
  return false;
}

/** Whether a complete number lies in `range`. */
export function inRange(value: number, range: NumberRange): boolean {
  return (range.minExclusive ? value > range.min : value >= range.min) && (range.maxExclusive ? value < range.max : value <= range.max);
}

/** Whether [low, high] (high open when `highOpen`, low open when `lowOpen`) meets the range (with an integer in it, for integers). */
function overlaps(low: number, lowOpen: boolean, high: number, highOpen: boolean, integer: boolean, range: NumberRange): boolean {
  let lo = low;
  let loOpen = lowOpen;
  if (range.min > lo || (range.min === lo && range.minExclusive)) {
    lo = range.min;
    loOpen = range.minExclusive;
  }
  let hi = high;
  let hiOpen = highOpen;
  if (range.max < hi || (range.max === hi && range.maxExclusive)) {
    hi = range.max;
    hiOpen = range.maxExclusive;
  }
  if (!integer) return lo < hi || (lo === hi && !loOpen && !hiOpen);
  const first = loOpen ? Math.floor(lo) + 1 : Math.ceil(lo);
  const last = hiOpen ? Math.ceil(hi) - 1 : Math.floor(hi);
  return first <= last;
}
