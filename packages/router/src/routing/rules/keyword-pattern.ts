/** Escapes text for literal use inside a RegExp. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One case-insensitive RegExp matching any of the keywords as whole words: not preceded
 * or followed by a letter, digit or underscore (Unicode-aware, unlike `\b`).
 */
export function keywordPattern(keywords: readonly string[]): RegExp {
  const alternatives = keywords.map((k) => escapeRegExp(k.trim()).replace(/\s+/g, '\\s+')).join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives})(?![\\p{L}\\p{N}_])`, 'iu');
}
