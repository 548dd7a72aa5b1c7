/**
 * Adjacent-pair statistics over a corpus of words (symbol-id sequences):
 * how often each pair occurs, weighted by word frequency, and which words
 * contain it. A merge touches only the words that contain its pair, so the
 * statistics are updated per changed word instead of recounted.
 */

// Pairs are packed into one number, exact as long as ids stay below 2^21.
const PAIR_KEY_BASE = 2 ** 21;
export const MAX_TOKEN_ID = PAIR_KEY_BASE - 1;

export function pairKey(left: number, right: number): number {
  return left * PAIR_KEY_BASE + right;
}

export function pairOf(key: number): [left: number, right: number] {
  const right = key % PAIR_KEY_BASE;
  return [(key - right) / PAIR_KEY_BASE, right];
}

export class PairIndex {
  private readonly counts = new Map<number, number>();
  private readonly wordsWith = new Map<number, Set<number>>();
  // Reused per word update to avoid allocating two collections per word.
  private readonly delta = new Map<number, number>();
  private readonly stillPresent = new Set<number>();

  constructor(words: readonly (readonly number[])[], frequencies: readonly number[]) {
    words.forEach((symbols, word) => {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = pairKey(symbols[i], symbols[i + 1]);
        this.counts.set(key, (this.counts.get(key) ?? 0) + frequencies[word]);
        this.wordSet(key).add(word);
      }
    });
  }

  count(key: number): number {
    return this.counts.get(key) ?? 0;
  }

  entries(): IterableIterator<[number, number]> {
    return this.counts.entries();
  }

  /** Ids of the words that (may) contain the pair, as a snapshot safe to iterate while updating. */
  wordsContaining(key: number): number[] {
    return [...(this.wordsWith.get(key) ?? [])];
  }

  /**
   * Records that word `word` (occurring `frequency` times) changed from
   * `before` to `after`. Calls `onIncrease` for every pair whose count grew,
   * since only those need a fresh priority-queue entry.
   */
  replaceWord(
    word: number,
    before: readonly number[],
    after: readonly number[],
    frequency: number,
    onIncrease: (key: number) => void,
  ): void {
    const { delta, stillPresent } = this;
    delta.clear();
    stillPresent.clear();
    for (let i = 0; i + 1 < before.length; i++) {
      const key = pairKey(before[i], before[i + 1]);
      delta.set(key, (delta.get(key) ?? 0) - 1);
    }
    for (let i = 0; i + 1 < after.length; i++) {
      const key = pairKey(after[i], after[i + 1]);
      delta.set(key, (delta.get(key) ?? 0) + 1);
      stillPresent.add(key);
    }
    for (const [key, change] of delta) {
      if (change === 0) continue;
      const count = this.count(key) + change * frequency;
      if (count > 0) this.counts.set(key, count);
      else this.counts.delete(key);
      if (stillPresent.has(key)) this.wordSet(key).add(word);
      else this.removeWord(key, word);
      if (change > 0) onIncrease(key);
    }
  }

  private wordSet(key: number): Set<number> {
    let set = this.wordsWith.get(key);
    if (set === undefined) {
      set = new Set();
      this.wordsWith.set(key, set);
    }
    return set;
  }

  private removeWord(key: number, word: number): void {
    const set = this.wordsWith.get(key);
    if (set === undefined) return;
    set.delete(word);
    if (set.size === 0) this.wordsWith.delete(key);
  }
}
