import { z } from 'zod';
import { countNgrams, NgramOptionsSchema, type NgramOptions } from './ngrams.ts';
import type { SparseVector } from './sparse-vector.ts';

export const TfidfOptionsSchema = NgramOptionsSchema.extend({
  /** Drop n-grams seen in fewer training texts than this. */
  minDf: z.number().int().min(1).default(1),
  /** Keep at most this many n-grams per block (word, char), the most frequent by document frequency. */
  maxFeaturesPerBlock: z.number().int().positive().default(1 << 15),
  /** Share of the vector's squared norm given to the character block (the rest goes to words). */
  charShare: z.number().min(0).max(1).default(0.6),
});
export type TfidfOptions = z.infer<typeof TfidfOptionsSchema>;

/** One block of features (word n-grams or char n-grams) with its own vocabulary and idf. */
interface Block {
  vocabulary: Map<string, number>;
  offset: number;
  idf: Float64Array;
  scale: number;
}

/** A fitted vectorizer as JSON (see `TfidfVectorizer.toJSON`): n-grams in index order with their idf. */
export const TfidfStateSchema = z.object({
  options: NgramOptionsSchema,
  blocks: z
    .array(z.object({ ngrams: z.array(z.string()), idf: z.array(z.number().finite()), scale: z.number().min(0).max(1) }))
    .length(2)
    .refine((blocks) => blocks.every((b) => b.ngrams.length === b.idf.length), { message: 'every n-gram needs its idf' }),
});
export type TfidfState = z.infer<typeof TfidfStateSchema>;

/**
 * Dictionary-indexed TF-IDF over word and character n-grams: sublinear tf (1 + ln tf),
 * smooth idf (ln((1 + N) / (1 + df)) + 1), each block l2-normalized and then weighted so
 * the whole vector has unit norm. N-grams unseen in training are dropped, so texts from
 * other domains keep only generic features and score low everywhere.
 */
export class TfidfVectorizer {
  private constructor(
    private readonly options: NgramOptions,
    private readonly wordBlock: Block,
    private readonly charBlock: Block,
  ) {}

  static fit(texts: readonly string[], input: Partial<TfidfOptions> = {}): TfidfVectorizer {
    return TfidfVectorizer.fitTransform(texts, input).vectorizer;
  }

  /** Fits the vocabulary and vectorizes the same texts, counting their n-grams once. */
  static fitTransform(texts: readonly string[], input: Partial<TfidfOptions> = {}): { vectorizer: TfidfVectorizer; vectors: SparseVector[] } {
    const options = TfidfOptionsSchema.parse(input);
    const wordDf = new Map<string, number>();
    const charDf = new Map<string, number>();
    const counted = texts.map((text) => countNgrams(text, options));
    for (const counts of counted) {
      for (const key of counts.words.keys()) wordDf.set(key, (wordDf.get(key) ?? 0) + 1);
      for (const key of counts.chars.keys()) charDf.set(key, (charDf.get(key) ?? 0) + 1);
    }
    const wordBlock = buildBlock(wordDf, texts.length, options, 0, Math.sqrt(1 - options.charShare));
    const charBlock = buildBlock(charDf, texts.length, options, wordBlock.idf.length, Math.sqrt(options.charShare));
    const vectorizer = new TfidfVectorizer(options, wordBlock, charBlock);
    return { vectorizer, vectors: counted.map((counts) => vectorizer.weigh(counts)) };
  }

  /** The fitted state, to store beside a fitted router (`fromJSON` restores it exactly). */
  toJSON(): TfidfState {
    const block = (b: Block) => ({ ngrams: [...b.vocabulary.keys()], idf: Array.from(b.idf), scale: b.scale });
    return { options: this.options, blocks: [block(this.wordBlock), block(this.charBlock)] };
  }

  static fromJSON(state: TfidfState): TfidfVectorizer {
    const [words, chars] = state.blocks;
    const block = (b: TfidfState['blocks'][number], offset: number): Block => ({
      vocabulary: new Map(b.ngrams.map((ngram, i) => [ngram, i])),
      offset,
      idf: Float64Array.from(b.idf),
      scale: b.scale,
    });
    return new TfidfVectorizer(state.options, block(words, 0), block(chars, words.ngrams.length));
  }

  get dimension(): number {
    return this.wordBlock.idf.length + this.charBlock.idf.length;
  }

  transform(text: string): SparseVector {
    return this.weigh(countNgrams(text, this.options));
  }

  private weigh(counts: { words: Map<string, number>; chars: Map<string, number> }): SparseVector {
    const capacity = counts.words.size + counts.chars.size;
    const vector: SparseVector = { indices: new Int32Array(capacity), values: new Float64Array(capacity) };
    const size = weighBlock(counts.chars, this.charBlock, vector, weighBlock(counts.words, this.wordBlock, vector, 0));
    return { indices: vector.indices.subarray(0, size), values: vector.values.subarray(0, size) };
  }
}

function buildBlock(df: Map<string, number>, documents: number, options: TfidfOptions, offset: number, scale: number): Block {
  const kept = [...df].filter(([, count]) => count >= options.minDf);
  if (kept.length > options.maxFeaturesPerBlock) {
    kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    kept.length = options.maxFeaturesPerBlock;
  }
  const vocabulary = new Map<string, number>();
  const idf = new Float64Array(kept.length);
  kept.forEach(([key, count], i) => {
    vocabulary.set(key, i);
    idf[i] = Math.log((1 + documents) / (1 + count)) + 1;
  });
  return { vocabulary, offset, idf, scale };
}

/** Writes the block's tf-idf features into `out` from position `start`; returns the end position. */
function weighBlock(counts: Map<string, number>, block: Block, out: SparseVector, start: number): number {
  let end = start;
  let norm = 0;
  for (const [key, count] of counts) {
    const index = block.vocabulary.get(key);
    if (index === undefined) continue;
    const value = (1 + Math.log(count)) * block.idf[index];
    out.indices[end] = block.offset + index;
    out.values[end] = value;
    norm += value * value;
    end++;
  }
  const factor = norm > 0 ? block.scale / Math.sqrt(norm) : 0;
  for (let i = start; i < end; i++) out.values[i] *= factor;
  return end;
}
