import { describe, expect, it } from 'vitest';
import { countNgrams, NgramOptionsSchema } from './ngrams.ts';
import { TfidfVectorizer } from './tfidf-vectorizer.ts';

describe('n-gram features', () => {
  it('counts word unigrams, bigrams and char 2–4-grams (the defaults) inside padded, normalized words', () => {
    const { words, chars } = countNgrams('Café, CAFÉ!', NgramOptionsSchema.parse({}));
    expect([...words]).toEqual([['cafe', 2], ['cafe cafe', 1]]);
    // " cafe " → 2-grams: " c", "ca", "af", "fe", "e "; 3-grams: " ca", "caf", "afe", "fe "; 4-grams: " caf", "cafe", "afe ".
    expect(chars.size).toBe(12);
    expect(chars.get('caf')).toBe(2);
    expect(chars.has('e c')).toBe(false);
  });

  it('takes other char n-gram ranges', () => {
    const { chars } = countNgrams('cafe', NgramOptionsSchema.parse({ charMin: 3, charMax: 5 }));
    // 3-grams: " ca", "caf", "afe", "fe "; 4-grams: " caf", "cafe", "afe "; 5-grams: " cafe", "cafe ".
    expect([...chars.keys()].sort()).toEqual([' ca', ' caf', ' cafe', 'afe', 'afe ', 'caf', 'cafe', 'cafe ', 'fe '].sort());
  });
});

describe('TfidfVectorizer', () => {
  it('gives unit-norm vectors and drops n-grams unseen in training', () => {
    const vectorizer = TfidfVectorizer.fit(['book a flight', 'book a hotel room']);
    const v = vectorizer.transform('book a flight');
    const norm = Math.sqrt(v.values.reduce((s, x) => s + x * x, 0));
    expect(norm).toBeCloseTo(1, 10);
    expect(vectorizer.transform('zzzz qqqq').indices.length).toBe(0);
    expect(new Set(v.indices).size).toBe(v.indices.length);
  });

  it('weighs rarer n-grams higher (idf)', () => {
    const vectorizer = TfidfVectorizer.fit(['book a flight', 'book a hotel'], { charShare: 0 });
    const v = vectorizer.transform('book flight');
    const values = [...v.values].filter((x) => x > 0).sort((a, b) => a - b);
    expect(values.length).toBe(2);
    expect(values[1]).toBeGreaterThan(values[0]);
  });
});
