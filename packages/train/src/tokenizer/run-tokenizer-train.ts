import { z } from 'zod';
import { PlugboardError } from '@plugboard/core';
import { progressCallbackSchema, trainBpeTokenizer } from './train-bpe-tokenizer.ts';
import type { TokenizerTrainStats } from './train-bpe-tokenizer.ts';
import { PRE_TOKENIZER_NAMES } from './pre-tokenize.ts';
import { CHAT_TEMPLATE_NAMES } from './tokenizer-config.ts';
import { writeTokenizer } from './write-tokenizer.ts';

/** Arguments of `plugboard tokenizer train --input FILES --vocab N --out DIR`. */
export const tokenizerTrainArgsSchema = z.object({
  input: z.array(z.string().min(1)).min(1),
  vocab: z.number().int().positive(),
  out: z.string().min(1),
  minFrequency: z.number().int().min(1).optional(),
  specialTokens: z.array(z.string()).optional(),
  chatTemplate: z.enum(CHAT_TEMPLATE_NAMES).optional(),
  preTokenizer: z.enum(PRE_TOKENIZER_NAMES).optional(),
  onProgress: progressCallbackSchema.optional(),
});

export type TokenizerTrainArgs = z.input<typeof tokenizerTrainArgsSchema>;

export interface TokenizerTrainReport {
  files: string[];
  stats: TokenizerTrainStats;
}

/** The CLI command: train on the input files and write the tokenizer folder. */
export function runTokenizerTrain(args: TokenizerTrainArgs): TokenizerTrainReport {
  const parsed = tokenizerTrainArgsSchema.safeParse(args);
  if (!parsed.success) {
    throw new PlugboardError(
      'INVALID_ARGUMENT',
      `Invalid tokenizer train arguments (need --input FILES --vocab N --out DIR): ${z.prettifyError(parsed.error)}`,
    );
  }
  const { input, vocab, out, minFrequency, specialTokens, chatTemplate, preTokenizer, onProgress } = parsed.data;
  const result = trainBpeTokenizer({ files: input, vocabSize: vocab, minFrequency, specialTokens, chatTemplate, preTokenizer, onProgress });
  return { files: writeTokenizer(out, result), stats: result.stats };
}
