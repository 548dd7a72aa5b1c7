import { describe, expect, it } from 'vitest';
import { byteLevelAlphabet, byteLevelVocabOrder } from './byte-level-alphabet.ts';

describe('byte-level alphabet', () => {
  it('maps every byte to a distinct visible character, as GPT-2 does', () => {
    const alphabet = byteLevelAlphabet();
    expect(new Set(alphabet).size).toBe(256);
    expect(alphabet[0x41]).toBe('A');
    expect(alphabet[0x20]).toBe('Ġ');
    expect(alphabet[0x0a]).toBe('Ċ');
    expect(alphabet[0x00]).toBe('Ā');
    expect(alphabet[0xad]).toBe('Ń'); // soft hyphen, the last shifted byte (U+0100 + 67)
  });

  it('orders the vocabulary printable bytes first', () => {
    const order = byteLevelVocabOrder();
    expect(order.slice(0, 3)).toEqual(['!', '"', '#']);
    expect(order[187]).toBe('ÿ');
    expect(order[188]).toBe('Ā');
    expect(order[255]).toBe('Ń');
  });
});
