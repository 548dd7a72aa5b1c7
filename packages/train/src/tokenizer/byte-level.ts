/**
 * GPT-2's byte-level alphabet: every byte gets a visible Unicode character so
 * that BPE tokens are printable strings. Printable Latin-1 bytes map to
 * themselves; the rest (controls, space, soft hyphen …) are shifted to
 * U+0100 and up, in byte order. Qwen2, Llama 3 and @huggingface/tokenizers
 * use this exact table.
 */
function buildByteToChar(): string[] {
  const isPrintable = (byte: number): boolean =>
    (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
  const table: string[] = [];
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) {
    table.push(String.fromCharCode(isPrintable(byte) ? byte : 256 + shifted++));
  }
  return table;
}

/** BYTE_TO_CHAR[b] is the single character that stands for byte b. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

/**
 * The 256 byte tokens in GPT-2/Qwen2 vocabulary order (by code point:
 * printable bytes first, shifted ones after), so token 0 is "!" as there.
 */
export const BYTE_TOKENS_IN_VOCAB_ORDER: readonly string[] = [...BYTE_TO_CHAR].sort(
  (a, b) => a.charCodeAt(0) - b.charCodeAt(0),
);

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
