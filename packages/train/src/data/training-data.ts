import { PlugboardError, deriveSeed } from '@plugboard/core';
import { z } from 'zod';
import type { TrainingExample } from './example-schema.ts';
import { learnedTokens, packExamples } from './pack-rows.ts';
import { seededPermutation } from './shuffle.ts';
import type { PackedRow } from './token-batch.ts';
import { tokenizeExample } from './tokenize-example.ts';
import type { ExampleTokenizer, TokenizedExample } from './tokenize-example.ts';

export const DataOptionsSchema = z.object({
  sequence: z.number().int().positive(),
  /** share of examples held out for eval (0 = none) */
  heldOutFraction: z.number().min(0).max(0.9).default(0.1),
  seed: z.number().int().nonnegative().default(0),
  /** pack short examples together (pretraining, small SFT data); false = one example per row */
  pack: z.boolean().default(true),
});
export type DataOptions = z.infer<typeof DataOptionsSchema>;
export type DataOptionsInput = z.input<typeof DataOptionsSchema>;

export interface TrainingData {
  train: PackedRow[];
  heldOut: PackedRow[];
  /** held-out examples one per row, unpacked: exact-match evaluation reads these */
  heldOutExamples: TokenizedExample[];
  trainExamples: TokenizedExample[];
  /** examples longer than a row: their ends are cut, and with them the learned tokens there (often the answer) */
  truncated: { examples: number; learnedTokensCut: number; learnedTokens: number; longest: number };
}

/**
 * Tokenizes every example, then prepares the tokens (prepareTokenizedData).
 * All checks run here, before any training step.
 */
export function prepareTrainingData(examples: readonly TrainingExample[], tokenizer: ExampleTokenizer, input: DataOptionsInput): TrainingData {
  return prepareTokenizedData(
    examples.map((example) => tokenizeExample(example, tokenizer)),
    input,
  );
}

/**
 * Checks each tokenized example has learned tokens within the sequence
 * length, counts what the sequence cuts off, splits off a held-out set by a
 * seeded shuffle, and packs both into rows: the entry for data that is
 * already tokens (synthetic tasks).
 */
export function prepareTokenizedData(tokenized: readonly TokenizedExample[], input: DataOptionsInput): TrainingData {
  const options = DataOptionsSchema.parse(input);
  const truncated = { examples: 0, learnedTokensCut: 0, learnedTokens: 0, longest: 0 };
  tokenized.forEach((encoded, i) => {
    const kept = encoded.weights.slice(1, options.sequence + 1).reduce((a, b) => a + b, 0);
    const learned = encoded.weights.slice(1).reduce((a, b) => a + b, 0);
    truncated.learnedTokens += learned;
    truncated.longest = Math.max(truncated.longest, encoded.tokens.length);
    if (encoded.tokens.length > options.sequence + 1) {
      truncated.examples += 1;
      truncated.learnedTokensCut += learned - kept;
    }
    if (kept === 0) {
      throw new PlugboardError(
        'DATA_INVALID',
        `example ${i + 1} has no completion/assistant tokens within the first ${options.sequence + 1} tokens; shorten its prompt or raise the sequence length`,
      );
    }
  });
  const order = seededPermutation(tokenized.length, deriveSeed(options.seed, 'held-out split'));
  const heldOutCount = tokenized.length < 2 ? 0 : Math.min(tokenized.length - 1, Math.round(tokenized.length * options.heldOutFraction));
  const heldOutSet = new Set(order.slice(0, heldOutCount));
  const trainExamples = tokenized.filter((_, i) => !heldOutSet.has(i));
  const heldOutExamples = tokenized.filter((_, i) => heldOutSet.has(i));
  const rows = (list: TokenizedExample[]) =>
    (options.pack ? packExamples(list, options.sequence) : list.flatMap((e) => packExamples([e], options.sequence))).filter(
      (row) => learnedTokens(row) > 0,
    );
  return { train: rows(trainExamples), heldOut: rows(heldOutExamples), heldOutExamples, trainExamples, truncated };
}
