import type { Tokenizer } from '../hf/tokenizer.ts';

/**
 * The ids a tokenizer can decode. Real Qwen2.5/Qwen3 checkpoints pad the
 * model's `vocab_size` past the tokenizer (151,936 logits, 151,665 tokens), and
 * a tokenizer may leave gaps in its id range: the sampler must never pick those.
 */
export interface DecodableVocab {
  /** ids ≥ size have no token */
  readonly size: number;
  /** ids < size the tokenizer lacks, ascending */
  readonly holes: Int32Array;
}

const cache = new WeakMap<object, DecodableVocab>();

/** Scans the tokenizer's id range once; the result is cached per tokenizer. */
export function decodableVocab(tokenizer: Pick<Tokenizer, 'vocabSize' | 'idToToken'>): DecodableVocab {
  const cached = cache.get(tokenizer);
  if (cached !== undefined) return cached;
  const holes: number[] = [];
  for (let id = 0; id < tokenizer.vocabSize; id += 1) if (tokenizer.idToToken(id) === undefined) holes.push(id);
  const vocab = { size: tokenizer.vocabSize, holes: Int32Array.from(holes) };
  cache.set(tokenizer, vocab);
  return vocab;
}
