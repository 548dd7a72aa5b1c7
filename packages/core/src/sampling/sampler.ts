import { PlugboardError } from '../errors/plugboard-error.ts';
import { argmax } from './argmax.ts';
import { CandidateList } from './candidate-list.ts';
import { drawFromSoftmax } from './draw-from-softmax.ts';
import { withRepetitionPenalty } from './repetition-penalty.ts';
import { parseSamplingOptions } from './sampling-options.ts';
import type { SamplingOptions, SamplingOptionsInput } from './sampling-options.ts';
import { selectCandidates } from './select-candidates.ts';
import { Xoshiro128StarStar } from './xoshiro128.ts';

/** Picks the next token of one generated row. Create one per row: it owns that row's random stream. */
export interface Sampler {
  readonly options: SamplingOptions;
  /**
   * Returns the next token id for a row of logits (length = vocabulary size),
   * given the token ids already in the row's context (prompt + generated), which
   * the repetition penalty reads. `logits` is left unchanged.
   */
  sample(logits: Float32Array, context: readonly number[]): number;
}

/**
 * Builds a sampler applying, like HF transformers: repetition penalty →
 * temperature → top-k → top-p → min-p → a draw from the float64 softmax over
 * the surviving tokens. Temperature 0 is greedy (argmax after the penalty).
 * Every non-greedy call consumes the same amount of randomness, so equal
 * seeds and equal logits give equal tokens. Throws INVALID_ARGUMENT on bad options.
 */
export function createSampler(input: SamplingOptionsInput = {}): Sampler {
  const options = parseSamplingOptions(input);
  const random = Xoshiro128StarStar.fromSeed(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  const candidates = new CandidateList();

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
    sample(logits, context) {
      if (logits.length === 0) {
        throw new PlugboardError('INVALID_ARGUMENT', 'cannot sample from an empty logits row; pass one row of vocabulary size');
      }
      return withRepetitionPenalty(logits, context, options.repetitionPenalty, options.repetitionWindow, () =>
        pick(logits),
      );
    },
  };
}
