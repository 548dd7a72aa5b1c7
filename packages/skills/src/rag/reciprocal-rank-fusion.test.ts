import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from './reciprocal-rank-fusion.ts';

describe('reciprocalRankFusion', () => {
  it('sums 1 / (60 + rank) over the rankings that contain each item', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['c', 'a', 'd'],
    ]);
    expect(fused.map((item) => item.id)).toEqual(['a', 'c', 'b', 'd']);
    expect(fused[0].score).toBe(1 / 61 + 1 / 62);
    expect(fused[1].score).toBe(1 / 63 + 1 / 61);
    expect(fused[2].score).toBe(1 / 62);
    expect(fused[3].score).toBe(1 / 63);
    expect(fused.map((item) => item.ranks)).toEqual([
      [1, 2],
      [3, 1],
      [2, null],
      [null, 3],
    ]);
  });

  it('uses the given k', () => {
    const [only] = reciprocalRankFusion([['x'], ['x']], 1);
    expect(only.score).toBe(1);
  });

  it('breaks score ties by best rank, then by id', () => {
    const fused = reciprocalRankFusion([
      ['y', 'p'],
      ['x', 'q'],
    ]);
    expect(fused.map((item) => item.id)).toEqual(['x', 'y', 'p', 'q']);
  });

  it('counts a repeated id once per ranking, at its best rank', () => {
    const [item] = reciprocalRankFusion([['a', 'a']]);
    expect(item.score).toBe(1 / 61);
    expect(item.ranks).toEqual([1]);
  });

  it('returns nothing for empty rankings', () => {
    expect(reciprocalRankFusion([[], []])).toEqual([]);
  });
});
