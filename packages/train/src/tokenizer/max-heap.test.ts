import { describe, expect, it } from 'vitest';
import { BinaryHeap } from './max-heap.ts';
import { createRng } from './seeded-text.ts';

describe('BinaryHeap', () => {
  it('pops in comparator order, whatever the push order', () => {
    const rng = createRng(3);
    const values = Array.from({ length: 500 }, () => Math.floor(rng() * 100));
    const heap = new BinaryHeap<number>((a, b) => a > b);
    values.forEach((value) => heap.push(value));
    expect(heap.size).toBe(500);
    expect(heap.peek()).toBe(Math.max(...values));
    const popped: number[] = [];
    for (let value = heap.pop(); value !== undefined; value = heap.pop()) popped.push(value);
    expect(popped).toEqual([...values].sort((a, b) => b - a));
    expect(heap.size).toBe(0);
  });
});
