import { describe, expect, it } from 'vitest';
import { reusablePrefix, spansOf } from './kv-provenance.ts';

describe('KV provenance', () => {
  const history = [null, null, null, 'a', 'a', 'b', 'b'];

  it('full mode reuses only a prefix computed under the same adapter', () => {
    expect(reusablePrefix(history, 'a', 'full')).toBe(0);
    expect(reusablePrefix(history, null, 'full')).toBe(3);
    expect(reusablePrefix(['a', 'a', 'b'], 'a', 'full')).toBe(2);
  });

  it('activated mode reuses every cached token: all of it precedes the new adapter’s invocation point', () => {
    expect(reusablePrefix(history, 'a', 'activated')).toBe(7);
    expect(reusablePrefix(history, 'b', 'activated')).toBe(7);
    expect(reusablePrefix(history, 'c', 'activated')).toBe(7);
    expect(reusablePrefix(history, null, 'activated')).toBe(7);
    expect(reusablePrefix([], 'a', 'activated')).toBe(0);
  });

  it('spans are the run-length view', () => {
    expect(spansOf(history)).toEqual([
      { start: 0, end: 3, adapter: null },
      { start: 3, end: 5, adapter: 'a' },
      { start: 5, end: 7, adapter: 'b' },
    ]);
  });
});
