import type { Tokenizer } from './tokenizer.ts';

const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * Turns generated token ids, one at a time, into text chunks. Byte-level
 * tokens can split a multi-byte UTF-8 character; decoding such a prefix ends
 * in U+FFFD, so the chunk is held back until the character completes.
 *
 * Like vLLM's incremental detokenizer it decodes a short window (the tokens
 * since the previous emission plus the ones before it) rather than the whole
 * sequence, so each step costs O(window), and tokenizers that change a
 * token's text by context (leading-space rules) still come out right.
 */
export class StreamDecoder {
  private readonly ids: number[] = [];
  private prefixOffset = 0;
  private readOffset = 0;
  private readonly tokenizer: Pick<Tokenizer, 'decode'>;
  private readonly skipSpecialTokens: boolean;

  constructor(tokenizer: Pick<Tokenizer, 'decode'>, options: { skipSpecialTokens?: boolean } = {}) {
    this.tokenizer = tokenizer;
    this.skipSpecialTokens = options.skipSpecialTokens ?? false;
  }

  /** Adds one token; returns the text it completes ('' while a character is still partial). */
  push(id: number): string {
    this.ids.push(id);
    const prefixText = this.decode(this.prefixOffset, this.readOffset);
    const fullText = this.decode(this.prefixOffset, this.ids.length);
    if (fullText.length <= prefixText.length || fullText.endsWith(REPLACEMENT_CHARACTER)) return '';
    this.prefixOffset = this.readOffset;
    this.readOffset = this.ids.length;
    return fullText.slice(prefixText.length);
  }

  /** At the end of generation: whatever is still held back (an incomplete character shows as U+FFFD). */
  flush(): string {
    const prefixText = this.decode(this.prefixOffset, this.readOffset);
    const fullText = this.decode(this.prefixOffset, this.ids.length);
    this.prefixOffset = this.readOffset = this.ids.length;
    return fullText.slice(prefixText.length);
  }

  private decode(from: number, to: number): string {
    return this.tokenizer.decode(this.ids.slice(from, to), { skipSpecialTokens: this.skipSpecialTokens });
  }
}
