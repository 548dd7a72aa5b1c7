/**
 * Qwen2's pre-tokenizer split (Oniguruma syntax, as tokenizer.json stores it):
 * contractions, letter runs with one leading non-letter, single digits,
 * punctuation runs, whitespace.
 */
export const QWEN2_SPLIT_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
