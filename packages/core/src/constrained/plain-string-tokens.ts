/**
 * Tokens that can sit anywhere inside a JSON string whatever comes before
 * them: no quote, backslash or control byte, whole UTF-8 characters only, and
 * no "</" (tool-call strings refuse it). Inside a string in a plain state,
 * such a token is allowed exactly when its length fits what the string has
 * left, so those masks need no trie walk: the ids sorted by length, and a
 * prefix of them is the answer.
 */
export interface PlainStringTokens {
  /** ascending by `units` */
  readonly ids: Int32Array;
  /** UTF-16 code units of each (an astral character counts 2, as in zod's length) */
  readonly units: Int32Array;
}

/** The plain string tokens among `tokens` (bytes one char per byte; null = not a text token). */
export function plainStringTokens(tokens: readonly (string | null)[]): PlainStringTokens {
  const plain: { id: number; units: number }[] = [];
  tokens.forEach((text, id) => {
    const units = text === null || text.length === 0 ? -1 : plainUnits(text);
    if (units >= 0) plain.push({ id, units });
  });
  plain.sort((a, b) => a.units - b.units || a.id - b.id);
  return { ids: Int32Array.from(plain, (p) => p.id), units: Int32Array.from(plain, (p) => p.units) };
}

/** How many of the sorted plain tokens have at most `capacity` units. */
export function plainTokensWithin(plain: PlainStringTokens, capacity: number): number {
  let low = 0;
  let high = plain.units.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((plain.units[mid] as number) <= capacity) low = mid + 1;
    else high = mid;
  }
  return low;
}

function plainUnits(text: string): number {
  let units = 0;
  for (let i = 0; i < text.length; ) {
    const b = text.charCodeAt(i);
    if (b < 0x20 || b === 0x22 || b === 0x5c) return -1;
    if (b === 0x3c && text.charCodeAt(i + 1) === 0x2f) return -1;
    const width = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (width === 0 || i + width > text.length) return -1;
    const decoded = Buffer.from(text.slice(i, i + width), 'latin1').toString('utf8');
    // overlongs, surrogates and stray continuation bytes decode to U+FFFD
    if (decoded.length === 0 || decoded.includes('\uFFFD')) return -1;
    units += decoded.length;
    i += width;
  }
  return units;
}
