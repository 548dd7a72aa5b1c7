import { preTokenize } from './pre-tokenize.ts';
import type { PreTokenizerName } from './pre-tokenize.ts';
import { splitOnSpecialTokens } from './special-tokens.ts';

/**
 * Turns corpus text into BPE training words: pre-token → frequency. Special
 * tokens are cut out first, exactly as the encoder isolates them, so no merge
 * ever spans one.
 */
export class WordCounter {
  readonly counts = new Map<string, number>();
  private preTokenTotal = 0;
  private byteTotal = 0;
  private readonly specialTokens: readonly string[];
  private readonly split: PreTokenizerName;

  constructor(specialTokens: readonly string[], split: PreTokenizerName = 'qwen2') {
    this.specialTokens = specialTokens;
    this.split = split;
  }

  /** Number of pre-tokens seen, counting repeats. */
  get preTokens(): number {
    return this.preTokenTotal;
  }

  /** UTF-8 bytes of text seen, special tokens included. */
  get bytes(): number {
    return this.byteTotal;
  }

  add(text: string): void {
    this.byteTotal += Buffer.byteLength(text, 'utf8');
    for (const segment of splitOnSpecialTokens(text, this.specialTokens)) {
      for (const piece of preTokenize(segment, this.split)) {
        this.counts.set(piece, (this.counts.get(piece) ?? 0) + 1);
        this.preTokenTotal++;
      }
    }
  }
}
