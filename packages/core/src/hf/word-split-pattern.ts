/**
 * A pre-tokenizer split for small models that must copy from their context:
 * Qwen2's split (contractions, single digits, punctuation runs, whitespace)
 * except that a letter run never takes a leading space or quote, so a word is
 * the same tokens wherever it stands — `Dublin` in ` to Dublin` and in
 * `"city":"Dublin"`. Under Qwen2's split those are `ĠDublin` and `D|ub|lin`,
 * and a model can copy a name it has never seen into JSON only by learning
 * that mapping for every word. The price is about one token per space.
 */
export const WORD_SPLIT_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|\\p{L}+|\\p{N}|[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
