import { byteLevelAlphabet, byteLevelVocabOrder } from '@plugboard/core';

/** BYTE_TO_CHAR[b] is the single character that stands for byte b (GPT-2's table, as core builds it). */
export const BYTE_TO_CHAR: readonly string[] = byteLevelAlphabet();

/** The 256 byte tokens in GPT-2/Qwen2 vocabulary order, so token 0 is "!" as there. */
export const BYTE_TOKENS_IN_VOCAB_ORDER: readonly string[] = byteLevelVocabOrder();

const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((char, byte) => [char, byte]));

const utf8Encoder = new TextEncoder();

/** Maps text to its byte-level form: one alphabet character per UTF-8 byte. */
export function toByteLevel(text: string): string {
  let out = '';
  for (const byte of utf8Encoder.encode(text)) out += BYTE_TO_CHAR[byte];
  return out;
}

/** Inverse of toByteLevel, back to raw bytes; undefined for a character outside the alphabet. */
export function fromByteLevel(byteLevel: string): Uint8Array | undefined {
  const bytes = new Uint8Array(byteLevel.length);
  for (let i = 0; i < byteLevel.length; i++) {
    const byte = CHAR_TO_BYTE.get(byteLevel[i]);
    if (byte === undefined) return undefined;
    bytes[i] = byte;
  }
  return bytes;
}
