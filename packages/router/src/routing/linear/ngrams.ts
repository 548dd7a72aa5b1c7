import { z } from 'zod';
import { words } from './normalize-text.ts';

export const NgramOptionsSchema = z.object({
  /** Word n-gram orders, e.g. [1, 2] for unigrams and bigrams. */
  wordNgrams: z.array(z.number().int().min(1)).default([1, 2]),
  /** Character n-gram length range, taken inside each word padded with spaces (like sklearn's char_wb). */
  charMin: z.number().int().min(1).default(2),
  charMax: z.number().int().min(1).default(4),
});
export type NgramOptions = z.infer<typeof NgramOptionsSchema>;

/** Counts of each word n-gram and each character n-gram of a text, in two separate maps. */
export function countNgrams(text: string, options: NgramOptions): { words: Map<string, number>; chars: Map<string, number> } {
  const tokens = words(text);
  const wordCounts = new Map<string, number>();
  for (const n of options.wordNgrams) {
    for (let i = 0; i + n <= tokens.length; i++) increment(wordCounts, tokens.slice(i, i + n).join(' '));
  }
  const charCounts = new Map<string, number>();
  for (const token of tokens) {
    const padded = ` ${token} `;
    for (let n = options.charMin; n <= options.charMax; n++) {
      for (let i = 0; i + n <= padded.length; i++) increment(charCounts, padded.slice(i, i + n));
    }
  }
  return { words: wordCounts, chars: charCounts };
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
