/**
 * Lowercased Unicode words: runs of letters, combining marks and digits.
 * NFKC first, so full-width and ligature forms match their plain spellings.
 */
export function tokenize(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
}
