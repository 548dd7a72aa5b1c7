import { describe, expect, it } from 'vitest';
import { BYTE_TOKENS_IN_VOCAB_ORDER, BYTE_TO_CHAR, fromByteLevel, toByteLevel } from './byte-level.ts';

describe('byte-level alphabet', () => {
  it('gives each of the 256 bytes its own single character', () => {
    expect(BYTE_TO_CHAR).toHaveLength(256);
    expect(new Set(BYTE_TO_CHAR).size).toBe(256);
    expect(BYTE_TO_CHAR.every((char) => char.length === 1)).toBe(true);
  });

  it('matches the GPT-2 table at its landmarks', () => {
    expect(BYTE_TO_CHAR[0x41]).toBe('A');
    expect(BYTE_TO_CHAR[0x20]).toBe('Ġ'); // space
    expect(BYTE_TO_CHAR[0x0a]).toBe('Ċ'); // newline
    expect(BYTE_TO_CHAR[0x00]).toBe('Ā');
    expect(BYTE_TO_CHAR[0xad]).toBe('Ń'); // soft hyphen, the last shifted byte
  });

  it('orders byte tokens as GPT-2 and Qwen2 vocabularies do', () => {
    expect(BYTE_TOKENS_IN_VOCAB_ORDER[0]).toBe('!');
    expect(BYTE_TOKENS_IN_VOCAB_ORDER[93]).toBe('~');
    expect(BYTE_TOKENS_IN_VOCAB_ORDER[188]).toBe('Ā'); // byte 0
    expect(new Set(BYTE_TOKENS_IN_VOCAB_ORDER)).toEqual(new Set(BYTE_TO_CHAR));
  });

  it('maps text to one character per UTF-8 byte and back', () => {
    const text = 'a é 日 🙂\n';
    const byteLevel = toByteLevel(text);
    expect(byteLevel).toHaveLength(new TextEncoder().encode(text).length);
    expect(byteLevel.startsWith('aĠÃ©Ġ')).toBe(true);
    expect(new TextDecoder().decode(fromByteLevel(byteLevel))).toBe(text);
  });

  it('refuses characters outside the alphabet', () => {
    expect(fromByteLevel('a b')).toBeUndefined();
  });
});
