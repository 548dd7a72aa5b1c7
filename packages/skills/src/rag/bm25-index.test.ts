import { describe, expect, it } from 'vitest';
import { Bm25Index, bm25SnapshotSchema } from './bm25-index.ts';

function threeDocs(): Bm25Index {
  const index = new Bm25Index();
  index.add('d1', 'The cat sat');
  index.add('d2', 'the dog sat on the mat');
  index.add('d3', 'Cats and dogs');
  return index;
}

describe('Bm25Index', () => {
  it('scores match a hand computation (k1 = 1.2, b = 0.75, avgdl = 4)', () => {
    const hits = threeDocs().search('the cat', 10);
    const idfThe = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5));
    const idfCat = Math.log(1 + (3 - 1 + 0.5) / (1 + 0.5));
    // d1: |d| = 3, tf = 1 for both terms; d2: |d| = 6, tf(the) = 2; d3 shares no term.
    const d1 = ((idfThe + idfCat) * 1 * 2.2) / (1 + 1.2 * (0.25 + (0.75 * 3) / 4));
    const d2 = (idfThe * 2 * 2.2) / (2 + 1.2 * (0.25 + (0.75 * 6) / 4));
    expect(hits.map((hit) => hit.id)).toEqual(['d1', 'd2']);
    expect(hits[0].score).toBeCloseTo(d1, 12);
    expect(hits[1].score).toBeCloseTo(d2, 12);
  });

  it('counts a repeated query term once and respects the limit', () => {
    const index = threeDocs();
    expect(index.search('cat cat cat', 10)).toEqual(index.search('cat', 10));
    expect(index.search('the sat', 1)).toHaveLength(1);
    expect(index.search('unicorn', 10)).toEqual([]);
  });

  it('removing a document updates document frequencies and the average length', () => {
    const index = threeDocs();
    index.remove('d3');
    const reference = new Bm25Index();
    reference.add('d1', 'The cat sat');
    reference.add('d2', 'the dog sat on the mat');
    expect(index.size).toBe(2);
    expect(index.search('the cat sat', 10)).toEqual(reference.search('the cat sat', 10));
    expect(index.search('dogs', 10)).toEqual([]);
  });

  it('re-adding an id replaces the document', () => {
    const index = threeDocs();
    index.add('d1', 'a unicorn');
    expect(index.size).toBe(3);
    expect(index.search('cat', 10)).toEqual([]);
    expect(index.search('unicorn', 10).map((hit) => hit.id)).toEqual(['d1']);
  });

  it('round-trips through a JSON snapshot', () => {
    const index = threeDocs();
    const snapshot = bm25SnapshotSchema.parse(JSON.parse(JSON.stringify(index.toSnapshot())));
    const restored = Bm25Index.fromSnapshot(snapshot);
    expect(restored.size).toBe(3);
    expect(restored.search('the cat dogs', 10)).toEqual(index.search('the cat dogs', 10));
  });
});
