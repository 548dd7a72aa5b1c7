import type { Tokenizer } from '../hf/tokenizer.ts';
import { plainStringTokens } from './plain-string-tokens.ts';
import type { PlainStringTokens } from './plain-string-tokens.ts';
import { tokenByteStrings } from './token-bytes.ts';
import { TokenTrie } from './token-trie.ts';

/** What constrained decoding precomputes once per tokenizer: each id's bytes and the trie of them. */
export interface TokenVocabulary {
  /** per id: its bytes (one char per byte), null for ids that never appear as text (missing, end-of-sequence) */
  readonly bytes: readonly (string | null)[];
  /** the text tokens (end-of-sequence tokens are left out: they are allowed only where the output may end) */
  readonly trie: TokenTrie;
  /** text tokens allowed anywhere inside a string (by length), and a trie of the others */
  readonly plain: PlainStringTokens;
  readonly nonPlainTrie: TokenTrie;
  readonly size: number;
  readonly buildMs: number;
}

const cache = new WeakMap<object, TokenVocabulary>();

/** Builds (once per tokenizer, then cached) the token bytes and trie. */
export function tokenVocabulary(tokenizer: Pick<Tokenizer, 'vocabSize' | 'idToToken' | 'decode' | 'eosTokenIds'>): TokenVocabulary {
  const cached = cache.get(tokenizer);
  if (cached !== undefined) return cached;
  const started = performance.now();
  const bytes = tokenByteStrings(tokenizer);
  for (const id of tokenizer.eosTokenIds) if (id < bytes.length) bytes[id] = null;
  const trie = TokenTrie.build(bytes);
  const plain = plainStringTokens(bytes);
  const isPlain = new Uint8Array(bytes.length);
  for (const id of plain.ids) isPlain[id] = 1;
  const nonPlainTrie = TokenTrie.build(bytes.map((text, id) => (isPlain[id] ? null : text)));
  const vocabulary = { bytes, trie, plain, nonPlainTrie, size: tokenizer.vocabSize, buildMs: performance.now() - started };
  cache.set(tokenizer, vocabulary);
  return vocabulary;
}
