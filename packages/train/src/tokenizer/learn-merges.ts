import { BYTE_TO_CHAR, BYTE_TOKENS_IN_VOCAB_ORDER } from './byte-level.ts';
import { BinaryHeap } from './max-heap.ts';
import { PairIndex, pairOf } from './pair-index.ts';

export interface LearnMergesOptions {
  /** Stop once the model vocabulary (256 bytes + merged tokens) has this many tokens. */
  maxTokens: number;
  /** A pair must occur at least this often (weighted by word frequency) to be merged. */
  minFrequency: number;
  /** Called after each merge with the number of model tokens learned beyond the 256 bytes. */
  onMerge?: (learned: number) => void;
}

export type StopReason = 'vocab-size-reached' | 'no-frequent-pair-left';

export interface LearnedMerges {
  /** Model vocabulary in id order, byte-level strings; ids 0–255 are the 256 byte tokens. */
  tokens: string[];
  /** Merges in rank order, as byte-level (left, right) strings. */
  merges: [string, string][];
  stopReason: StopReason;
}

interface HeapEntry {
  key: number;
  count: number;
}

/**
 * Byte-level BPE training. `wordCounts` maps each pre-token to its frequency.
 *
 * Each step merges the most frequent adjacent pair. Ties go to the pair whose
 * (left, right) byte-level strings come first in code-unit order (left string
 * compared first), so training is deterministic and independent of the order
 * words were seen in.
 *
 * Pair counts are updated incrementally (PairIndex) and the best pair is
 * found with a lazily cleaned max-heap: an entry whose count went stale is
 * re-queued with its current count when it reaches the top. Stale entries can
 * only be too high, because a pair's count grows only when a merge creates it
 * anew, and such pairs are queued again right away.
 */
export function learnMerges(wordCounts: ReadonlyMap<string, number>, options: LearnMergesOptions): LearnedMerges {
  const tokens: string[] = [...BYTE_TOKENS_IN_VOCAB_ORDER];
  const tokenIds = new Map(tokens.map((token, id) => [token, id]));
  const idOfByte = BYTE_TO_CHAR.map((char) => BYTE_TOKENS_IN_VOCAB_ORDER.indexOf(char));

  const encoder = new TextEncoder();
  const words: number[][] = [];
  const frequencies: number[] = [];
  for (const [word, frequency] of wordCounts) {
    words.push(Array.from(encoder.encode(word), (byte) => idOfByte[byte]));
    frequencies.push(frequency);
  }

  const merges: [string, string][] = [];
  const index = new PairIndex(words, frequencies);

  const comesFirst = (a: HeapEntry, b: HeapEntry): boolean => {
    if (a.count !== b.count) return a.count > b.count;
    const [aLeft, aRight] = pairOf(a.key);
    const [bLeft, bRight] = pairOf(b.key);
    if (aLeft !== bLeft) return tokens[aLeft] < tokens[bLeft];
    return tokens[aRight] < tokens[bRight];
  };
  const queue = new BinaryHeap<HeapEntry>(comesFirst);
  const enqueue = (key: number): void => {
    const count = index.count(key);
    if (count >= options.minFrequency) queue.push({ key, count });
  };
  for (const [key] of index.entries()) enqueue(key);

  while (tokens.length < options.maxTokens) {
    const best = popBestPair(queue, index, enqueue);
    if (best === undefined) return { tokens, merges, stopReason: 'no-frequent-pair-left' };

    const [left, right] = pairOf(best);
    const merged = tokens[left] + tokens[right];
    // Defensive: should two merges ever spell the same string (a+bc, ab+c), keep one id
    // per string, since tokenizer.json's vocab is keyed by string.
    let mergedId = tokenIds.get(merged);
    if (mergedId === undefined) {
      mergedId = tokens.length;
      tokens.push(merged);
      tokenIds.set(merged, mergedId);
    }
    merges.push([tokens[left], tokens[right]]);

    const grown = new Set<number>();
    for (const word of index.wordsContaining(best)) {
      const before = words[word];
      const after = mergePair(before, left, right, mergedId);
      if (after === before) continue;
      words[word] = after;
      index.replaceWord(word, before, after, frequencies[word], (key) => grown.add(key));
    }
    for (const key of grown) enqueue(key);
    options.onMerge?.(tokens.length - BYTE_TOKENS_IN_VOCAB_ORDER.length);
  }
  return { tokens, merges, stopReason: 'vocab-size-reached' };
}

/** Pops until the top entry's count is current; returns its pair key, or undefined when none is left. */
function popBestPair(
  queue: BinaryHeap<HeapEntry>,
  index: PairIndex,
  enqueue: (key: number) => void,
): number | undefined {
  for (let entry = queue.pop(); entry !== undefined; entry = queue.pop()) {
    if (index.count(entry.key) === entry.count) return entry.key;
    enqueue(entry.key);
  }
  return undefined;
}

/** Replaces every left-to-right occurrence of (left, right); returns `symbols` itself when there is none. */
function mergePair(symbols: number[], left: number, right: number, mergedId: number): number[] {
  let out: number[] | undefined;
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
      out ??= symbols.slice(0, i);
      out.push(mergedId);
      i++;
    } else {
      out?.push(symbols[i]);
    }
  }
  return out ?? symbols;
}
