import { InvalidArgumentError } from 'commander';
import { z } from 'zod';

/**
 * Strict numeric flags for every command: the whole string must be a number
 * of the right kind ("1e3" is not an integer spelling, "1.5" is not an
 * integer), so a typo is refused instead of being cut to its leading digits.
 */
const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const INTEGER = /^[-+]?\d+$/;

function parsed<T>(schema: z.ZodType<T>, raw: string, what: string): T {
  const result = schema.safeParse(raw);
  if (!result.success) throw new InvalidArgumentError(`${JSON.stringify(raw)} is not ${what}`);
  return result.data;
}

const integer = z.string().trim().regex(INTEGER).transform(Number).pipe(z.number().int().safe());
const decimal = z.string().trim().regex(DECIMAL).transform(Number).pipe(z.number().finite());

/** A whole number (e.g. --seed 3); "1.5", "1e3" and "12abc" are refused. */
export const intFlag = (raw: string): number => parsed(integer, raw, 'an integer');
/** A whole number ≥ 0. */
export const nonNegativeIntFlag = (raw: string): number => parsed(integer.pipe(z.number().nonnegative()), raw, 'an integer ≥ 0');
/** A whole number ≥ 1 (counts, sizes, steps). */
export const positiveIntFlag = (raw: string): number => parsed(integer.pipe(z.number().positive()), raw, 'an integer ≥ 1');
/** A finite decimal number (1e-3 and 0.5 are fine). */
export const numberFlag = (raw: string): number => parsed(decimal, raw, 'a number');
/** A comma-separated list of whole numbers ≥ 0 (e.g. --layers 0,3,5). */
export const intListFlag = (raw: string): number[] => raw.split(',').map((part) => nonNegativeIntFlag(part));

const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1e3, kib: 2 ** 10, mb: 1e6, mib: 2 ** 20, gb: 1e9, gib: 2 ** 30, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };
/** A size in bytes with an optional unit (512MiB, 2GB, 1.5G = 1.5 GiB, 4096); a bare or unknown unit is refused. */
export const bytesFlag = (raw: string): number => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
  const unit = BYTE_UNITS[(match?.[2] || 'b').toLowerCase()];
  if (!match || unit === undefined || Number(match[1]) <= 0) throw new InvalidArgumentError(`${JSON.stringify(raw)} is not a size (e.g. 512MiB, 2GB, 4096)`);
  return Math.round(Number(match[1]) * unit);
};
