/**
 * GPT-2's byte ↔ printable-character table used by byte-level BPE
 * (`bytes_to_unicode`): printable Latin-1 bytes stand for themselves, the
 * others are shifted to U+0100 and up, so every byte is a visible character
 * (space becomes "Ġ", newline "Ċ").
 */
export function byteLevelAlphabet(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const charOf = new Array<string>(256);
  for (const b of printable) charOf[b] = String.fromCharCode(b);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    if (charOf[b] === undefined) charOf[b] = String.fromCharCode(256 + shifted++);
  }
  return charOf;
}

/** The 256 byte tokens in GPT-2 vocabulary order: printable bytes first, then the shifted ones (i.e. by code point). */
export function byteLevelVocabOrder(): string[] {
  return byteLevelAlphabet().sort((a, b) => a.charCodeAt(0) - b.charCodeAt(0));
}
