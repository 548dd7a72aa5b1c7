import { describe, expect, it } from 'vitest';
import { intFlag, intListFlag, numberFlag, positiveIntFlag } from './number-flags.ts';

describe('numeric flags', () => {
  it('take whole strings of the right kind', () => {
    expect(intFlag('42')).toBe(42);
    expect(intFlag('-3')).toBe(-3);
    expect(numberFlag('1e-3')).toBe(0.001);
    expect(numberFlag('0.7')).toBe(0.7);
    expect(intListFlag('0,2,5')).toEqual([0, 2, 5]);
  });

  it('refuse what parseInt would cut short', () => {
    expect(() => intFlag('1e3')).toThrow(/not an integer/);
    expect(() => intFlag('1.5')).toThrow(/not an integer/);
    expect(() => intFlag('12abc')).toThrow(/not an integer/);
    expect(() => positiveIntFlag('0')).toThrow(/≥ 1/);
    expect(() => numberFlag('abc')).toThrow(/not a number/);
    expect(() => numberFlag('')).toThrow(/not a number/);
    expect(() => intListFlag('1,,2')).toThrow();
  });
});
