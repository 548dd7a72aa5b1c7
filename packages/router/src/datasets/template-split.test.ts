import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@plugboard/core';
import { splitFamily, splitList } from './template-split.ts';

describe('template split', () => {
  it('holds out a share of a list, never all of it, and nothing at fraction 0', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const { train, test } = splitList(items, 0.3, new SeededRandom(1));
    expect(test).toHaveLength(3);
    expect([...train, ...test].sort((a, b) => a - b)).toEqual(items);
    expect(train.filter((i) => test.includes(i))).toEqual([]);
    expect(splitList([1, 2], 0.9, new SeededRandom(1)).train).toHaveLength(1);
    expect(splitList(items, 0, new SeededRandom(1))).toEqual({ train: items, test: items });
    expect(splitList(['only'], 0.5, new SeededRandom(1))).toEqual({ train: ['only'], test: ['only'] });
  });

  it('gives test templates and slot values that the training side never has', () => {
    const family = { name: 'f', templates: ['a {x}', 'b {x}', 'c {x}', 'd {x} {y}'], slots: { x: ['1', '2', '3', '4', '5'], y: ['p', 'q'] } };
    const { train, test } = splitFamily(family, 0.3, new SeededRandom(3));
    expect(train.templates.filter((t) => test.templates.includes(t))).toEqual([]);
    for (const slot of ['x', 'y'] as const) expect(train.slots[slot]?.filter((v) => test.slots[slot]?.includes(v))).toEqual([]);
  });
});
