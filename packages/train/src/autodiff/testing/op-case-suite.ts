/** Test-only: runs a table of op cases as one vitest suite. */
import { describe, expect, it } from 'vitest';
import type { OpCase } from '../gradient-check.ts';
import { TOLERANCE, opCaseErrors } from '../gradient-check.ts';

export function describeOpCases(title: string, cases: Record<string, OpCase>): void {
  describe(title, () => {
    for (const [name, c] of Object.entries(cases)) {
      it(`${name} in ${c.dtype}`, async () => {
        const errors = await opCaseErrors(c);
        expect(Object.keys(errors)).toEqual(Object.keys(c.inputs));
        for (const [input, error] of Object.entries(errors)) expect(error, `d loss / d ${input}`).toBeLessThan(TOLERANCE[c.dtype].relative);
      });
    }
  });
}
