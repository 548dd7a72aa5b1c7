import { describe, expect, it } from 'vitest';
import { learnMerges } from './learn-merges.ts';
import type { LearnMergesOptions } from './learn-merges.ts';
import { BYTE_TO_CHAR, toByteLevel } from './byte-level.ts';
import { createRng } from './seeded-text.ts';
import { WordCounter } from './word-counter.ts';

// The Hugging Face course corpus: hand-computed merge order below.
const COURSE_WORDS = new Map([
  ['hug', 10],
  ['pug', 5],
  ['pun', 12],
  ['bun', 4],
  ['hugs', 5],
]);

/**
 * Obviously-correct trainer: recount every pair before each merge. The
 * incremental trainer must learn exactly the same merges.
 */
function naiveMerges(wordCounts: ReadonlyMap<string, number>, options: LearnMergesOptions): [string, string][] {
  const words = [...wordCounts].map(([word, count]) => ({ symbols: [...toByteLevel(word)], count }));
  const vocabulary = new Set<string>(BYTE_TO_CHAR);
  const merges: [string, string][] = [];
  while (vocabulary.size < options.maxTokens) {
    const counts = new Map<string, { pair: [string, string]; count: number }>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const id = `${symbols[i]} ${symbols[i + 1]}`;
        const entry = counts.get(id) ?? { pair: [symbols[i], symbols[i + 1]], count: 0 };
        entry.count += count;
        counts.set(id, entry);
      }
    }
    let best: { pair: [string, string]; count: number } | undefined;
    for (const entry of counts.values()) {
      const [left, right] = entry.pair;
      if (
        best === undefined ||
        entry.count > best.count ||
        (entry.count === best.count && (left < best.pair[0] || (left === best.pair[0] && right < best.pair[1])))
      ) {
        best = entry;
      }
    }
    if (best === undefined || best.count < options.minFrequency) break;
    const [left, right] = best.pair;
    merges.push([left, right]);
    vocabulary.add(left + right);
    for (const word of words) {
      const merged: string[] = [];
      for (let i = 0; i < word.symbols.length; i++) {
        if (word.symbols[i] === left && word.symbols[i + 1] === right) {
          merged.push(left + right);
          i++;
        } else {
          merged.push(word.symbols[i]);
        }
      }
      word.symbols = merged;
    }
  }
  return merges;
}

describe('learnMerges', () => {
  it('learns the hand-computed merge order, ties broken by (left, right) strings', () => {
    const learned = learnMerges(COURSE_WORDS, { maxTokens: 10_000, minFrequency: 1 });
    // u+g 20, u+n 16, h+ug 15, p+un 12, then a tie at 5: "hug" < "p", then b+un 4.
    expect(learned.merges).toEqual([
      ['u', 'g'],
      ['u', 'n'],
      ['h', 'ug'],
      ['p', 'un'],
      ['hug', 's'],
      ['p', 'ug'],
      ['b', 'un'],
    ]);
    expect(learned.tokens.slice(256)).toEqual(['ug', 'un', 'hug', 'pun', 'hugs', 'pug', 'bun']);
    expect(learned.stopReason).toBe('no-frequent-pair-left');
  });

  it('stops at maxTokens', () => {
    const learned = learnMerges(COURSE_WORDS, { maxTokens: 259, minFrequency: 1 });
    expect(learned.tokens.slice(256)).toEqual(['ug', 'un', 'hug']);
    expect(learned.stopReason).toBe('vocab-size-reached');
  });

  it('never merges a pair seen fewer than minFrequency times', () => {
    const learned = learnMerges(COURSE_WORDS, { maxTokens: 10_000, minFrequency: 5 });
    expect(learned.merges.map((pair) => pair.join(' '))).toEqual(['u g', 'u n', 'h ug', 'p un', 'hug s', 'p ug']);
  });

  it('reports progress after every merge', () => {
    const seen: number[] = [];
    learnMerges(COURSE_WORDS, { maxTokens: 10_000, minFrequency: 1, onMerge: (learned) => seen.push(learned) });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it.each([
    [1, 400],
    [2, 400],
    [3, 290],
  ])('matches a full recount on a random corpus full of ties and repeats (seed %i, %i tokens)', (seed, maxTokens) => {
    const rng = createRng(seed);
    const counter = new WordCounter([]);
    const alphabet = ['a', 'a', 'b', 'c', ' ', ' ', '\n', 'é', '.'];
    for (let i = 0; i < 300; i++) {
      let text = '';
      for (let j = 0; j < 1 + Math.floor(rng() * 30); j++) text += alphabet[Math.floor(rng() * alphabet.length)];
      counter.add(text);
    }
    const options = { maxTokens, minFrequency: 2 };
    const learned = learnMerges(counter.counts, options);
    expect(learned.merges.length).toBeGreaterThan(20);
    expect(learned.merges).toEqual(naiveMerges(counter.counts, options));
  });
});
