import { describe, expect, it } from 'vitest';
import { LineIndex } from './line-index.ts';

describe('LineIndex', () => {
  it('maps offsets to 1-based lines', () => {
    const text = 'ab\ncd\n\nef';
    const lines = new LineIndex(text);
    expect([0, 1, 2, 3, 5, 6, 7, 8].map((offset) => lines.lineAt(offset))).toEqual([1, 1, 1, 2, 2, 3, 4, 4]);
    expect(new LineIndex('').lineAt(0)).toBe(1);
  });
});
