import { QWEN2_SPLIT_PATTERN, TRAILING_SPACE_SPLIT_PATTERN, WORD_SPLIT_PATTERN } from '@plugboard/core';

/**
 * The pre-tokenizer splits a trained tokenizer can have: Qwen2's; `words`
 * (core's WORD_SPLIT_PATTERN: a word is the same tokens wherever it stands,
 * spaces are tokens of their own); `trailing-space` (TRAILING_SPACE_SPLIT_PATTERN:
 * the same, but each piece takes the space after it, so words follow each other directly).
 */
export const PRE_TOKENIZER_NAMES = ['qwen2', 'words', 'trailing-space'] as const;
export type PreTokenizerName = (typeof PRE_TOKENIZER_NAMES)[number];

/**
 * Each split as tokenizer.json stores it (Oniguruma, verbatim) and in
 * JavaScript: Node 20 has no inline `(?i:…)` groups, so the contractions
 * spell out both cases, and `\s` becomes `\p{White_Space}` because
 * JavaScript's `\s` adds U+FEFF and misses U+0085. This is the translation
 * @huggingface/tokenizers makes when it loads the pattern, so training sees
 * the same pre-tokens that encoding later does.
 */
export const PRE_TOKENIZER_SPLITS: Record<PreTokenizerName, { pattern: string; regex: RegExp }> = {
  qwen2: {
    pattern: QWEN2_SPLIT_PATTERN,
    regex: /(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\p{White_Space}\p{L}\p{N}]+[\r\n]*|\p{White_Space}*[\r\n]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu,
  },
  words: {
    pattern: WORD_SPLIT_PATTERN,
    regex: /(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|\p{L}+|\p{N}|[^\p{White_Space}\p{L}\p{N}]+[\r\n]*|\p{White_Space}*[\r\n]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu,
  },
  'trailing-space': {
    pattern: TRAILING_SPACE_SPLIT_PATTERN,
    regex: /(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]) ?|\p{L}+ ?|\p{N} ?|[^\p{White_Space}\p{L}\p{N}]+(?:[\r\n]+| )?|\p{White_Space}*[\r\n]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu,
  },
};

/**
 * Splits text into pre-tokens with the `Isolated` behaviour of a Split
 * pre-tokenizer: every match is a piece, and so is any text between matches,
 * so the pieces always concatenate back to the input.
 */
export function preTokenize(text: string, split: PreTokenizerName = 'qwen2'): string[] {
  const pieces: string[] = [];
  let end = 0;
  for (const match of text.matchAll(PRE_TOKENIZER_SPLITS[split].regex)) {
    if (match.index > end) pieces.push(text.slice(end, match.index));
    if (match[0].length > 0) pieces.push(match[0]);
    end = match.index + match[0].length;
  }
  if (end < text.length) pieces.push(text.slice(end));
  return pieces;
}
