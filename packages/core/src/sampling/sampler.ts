import { PlugboardError } from '../errors/plugboard-error.ts';
import { argmax } from './argmax.ts';
import { CandidateList } from './candidate-list.ts';
import { checkLogits } from './check-logits.ts';
import type { DecodableVocab } from './decodable-vocab.ts';
import { drawFromSoftmax } from './draw-from-softmax.ts';
import { withRepetitionPenalty } from './repetition-penalty.ts';
import { parseSamplingOptions } from './sampling-options.ts';
import type { SamplingOptions, SamplingOptionsInput } from './sampling-options.ts';
import { selectCandidates } from './select-candidates.ts';
import { applyTokenMask } from './token-mask.ts';
import type { TokenMask } from './token-mask.ts';
import { Xoshiro128StarStar } from './xoshiro128.ts';

/** Picks the next token of one generated row. Create one per row: it owns that row's random stream. */
export interface Sampler {
  readonly options: SamplingOptions;
  /**
   * Returns the next token id for a row of logits (length = vocabulary size),
   * given the token ids already in the row's context (prompt + generated), which
   * the repetition penalty reads, and optionally the constrained decoder's mask
   * (applied before everything else). `logits` is left unchanged. Throws
   * NUMERIC_ERROR when the logits hold NaN/+Infinity or nothing finite.
   */
  sample(logits: Float32Array, context: readonly number[], mask?: TokenMask): number;
}

/**
 * Builds a sampler applying, like HF transformers: token mask → repetition
 * penalty → temperature → top-k → top-p → min-p → a draw from the float64
 * softmax over the surviving tokens. Temperature 0 is greedy (argmax after the
 * penalty). Every non-greedy call consumes the same amount of randomness, so
 * equal seeds and equal logits give equal tokens. With `vocab`, ids the
 * tokenizer cannot decode (padding past its size, gaps) are never picked.
 * Throws INVALID_ARGUMENT on bad options.
 */
export function createSampler(input: SamplingOptionsInput = {}, vocab?: DecodableVocab): Sampler {
  const options = parseSamplingOptions(input);
  const random = Xoshiro128StarStar.fromSeed(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  const candidates = new CandidateList();
  let masked = new Float32Array(0);

  const pick = (logits: Float32Array): number => {
    if (options.temperature === 0) return argmax(logits);
    const uniform = random.nextFloat();
    selectCandidates(logits, options, candidates);
    // Empty or infinite rows have no proper softmax: fall back to the argmax.
    if (candidates.length === 0 || !Number.isFinite(candidates.maxScore())) return argmax(logits);
    return drawFromSoftmax(candidates, uniform);
  };

  return {
    options,
    sample(logits, context, mask) {
      if (logits.length === 0) {
        throw new PlugboardError('INVALID_ARGUMENT', 'cannot sample from an empty logits row; pass one row of vocabulary size');
      }
      checkLogits(logits);
      // padded ids past the tokenizer are cut off, not masked: a view, no copy
      let row = vocab === undefined || vocab.size >= logits.length ? logits : logits.subarray(0, vocab.size);
      if (mask !== undefined) {
        if (masked.length < row.length) masked = new Float32Array(row.length);
        row = applyTokenMask(row, mask, masked);
      }
      const holes = mask === undefined ? vocab?.holes : undefined;
      const penalized = () => withRepetitionPenalty(row, context, options.repetitionPenalty, options.repetitionWindow, () => pick(row));
      return holes === undefined || holes.length === 0 ? penalized() : withMasked(row, holes, penalized);
    },
  };
}

/** Runs `use` with `ids` set to −Infinity in `row`, putting the original values back afterwards. */
function withMasked<T>(row: Float32Array, ids: Int32Array, use: () => T): T {
  const originals = Float32Array.from(ids, (id) => row[id]);
  try {
    ids.forEach((id) => id < row.length && (row[id] = -Infinity));
    return use();
  } finally {
    ids.forEach((id, i) => id < row.length && (row[id] = originals[i]));
  }
}
