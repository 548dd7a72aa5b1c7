import { PlugboardError } from '@plugboard/core';

/** Escapes text for literal use inside a RegExp. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One case-insensitive RegExp matching any of the keywords as whole words: not preceded
 * or followed by a letter, digit or underscore (Unicode-aware, unlike `\b`).
 * An empty list or a blank keyword would compile to an empty alternative that
 * matches every text, so both are INVALID_ARGUMENT.
 */
export function keywordPattern(keywords: readonly string[]): RegExp {
  if (keywords.length === 0) {
    throw new PlugboardError('INVALID_ARGUMENT', 'A keyword rule has no keywords; give at least one, or use a pattern or test rule.');
  }
  const alternatives = keywords.map((k) => {
    const trimmed = k.trim();
    if (trimmed === '') {
      throw new PlugboardError('INVALID_ARGUMENT', `Keyword ${JSON.stringify(k)} is empty after trimming and would match every text; remove it.`, {
        details: { keyword: k },
      });
    }
    return escapeRegExp(trimmed).replace(/\s+/g, '\\s+');
  });
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}_])`, 'iu');
}
