import { z } from 'zod';
import { PlugboardError } from '@plugboard/core';
import { BYTE_TOKENS_IN_VOCAB_ORDER } from './byte-level.ts';
import { learnMerges } from './learn-merges.ts';
import type { StopReason } from './learn-merges.ts';
import { MAX_TOKEN_ID } from './pair-index.ts';
import { PRE_TOKENIZER_NAMES } from './pre-tokenize.ts';
import { assertCorpusFile, readCorpusFile } from './read-corpus-file.ts';
import { DEFAULT_SPECIAL_TOKENS, validateSpecialTokens } from './special-tokens.ts';
import { CHAT_TEMPLATE_NAMES, buildSpecialTokensMap, buildTokenizerConfig } from './tokenizer-config.ts';
import type { SpecialTokensMap, TokenizerConfigJson } from './tokenizer-config.ts';
import { buildTokenizerJson } from './tokenizer-json.ts';
import type { TokenizerJson } from './tokenizer-json.ts';
import { WordCounter } from './word-counter.ts';

export interface TokenizerTrainProgress {
  /** Tokens learned so far beyond the 256 byte tokens. */
  merges: number;
  /** Tokens to learn: vocabSize − 256 − special tokens. Training may stop earlier. */
  total: number;
}

export const progressCallbackSchema = z.custom<(progress: TokenizerTrainProgress) => void>(
  (value) => typeof value === 'function',
  'onProgress must be a function',
);

export const trainBpeOptionsSchema = z.object({
  files: z.array(z.string().min(1)).optional(),
  texts: z.custom<Iterable<string>>(
    (value) => typeof value === 'object' && value !== null && Symbol.iterator in value,
    'texts must be an iterable of strings',
  ).optional(),
  /** Final vocabulary size: 256 byte tokens + learned tokens + special tokens. */
  vocabSize: z.number().int().max(MAX_TOKEN_ID),
  /** Pairs seen fewer times than this are never merged. */
  minFrequency: z.number().int().min(1).default(2),
  specialTokens: z.array(z.string()).default([...DEFAULT_SPECIAL_TOKENS]),
  /** the chat template written to tokenizer_config.json (when the ChatML tokens are special tokens) */
  chatTemplate: z.enum(CHAT_TEMPLATE_NAMES).default('chatml'),
  /** how text is cut before BPE: Qwen2's split, or `words` (a word is the same tokens wherever it stands; what small models that copy want) */
  preTokenizer: z.enum(PRE_TOKENIZER_NAMES).default('qwen2'),
  onProgress: progressCallbackSchema.optional(),
});

export type TrainBpeOptions = z.input<typeof trainBpeOptionsSchema>;

export interface TokenizerTrainStats {
  /** Input size in UTF-8 bytes. */
  corpusBytes: number;
  /** Pre-tokens in the corpus, counting repeats. */
  preTokens: number;
  /** Distinct pre-tokens (training words). */
  uniqueWords: number;
  merges: number;
  /** Size of the written vocabulary, special tokens included; below vocabSize when training stopped early. */
  vocabSize: number;
  stopReason: StopReason;
  elapsedMs: number;
}

export interface TrainedTokenizer {
  tokenizerJson: TokenizerJson;
  tokenizerConfig: TokenizerConfigJson;
  specialTokensMap: SpecialTokensMap;
  stats: TokenizerTrainStats;
}

function parseOptions(options: TrainBpeOptions): z.output<typeof trainBpeOptionsSchema> {
  const parsed = trainBpeOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new PlugboardError('INVALID_ARGUMENT', `Invalid tokenizer training options: ${z.prettifyError(parsed.error)}`);
  }
  const { files, texts, vocabSize, specialTokens } = parsed.data;
  if (files === undefined && texts === undefined) {
    throw new PlugboardError('INVALID_ARGUMENT', 'No training text: pass `files` (paths) or `texts`.');
  }
  validateSpecialTokens(specialTokens);
  const smallest = BYTE_TOKENS_IN_VOCAB_ORDER.length + specialTokens.length;
  if (vocabSize < smallest) {
    throw new PlugboardError(
      'INVALID_ARGUMENT',
      `vocabSize ${vocabSize} is too small: it must hold the 256 byte tokens and ${specialTokens.length} special tokens, so use at least ${smallest}.`,
    );
  }
  return parsed.data;
}

/**
 * Trains a byte-level BPE tokenizer (Qwen2 or word pre-tokenization, GPT-2 byte
 * alphabet) and returns the three Hugging Face files as objects.
 * Same corpus and options → byte-identical output.
 */
export function trainBpeTokenizer(options: TrainBpeOptions): TrainedTokenizer {
  const started = performance.now();
  const { files, texts, vocabSize, minFrequency, specialTokens, chatTemplate, preTokenizer, onProgress } = parseOptions(options);

  const counter = new WordCounter(specialTokens, preTokenizer);
  // Check every path before the slow part, so a typo fails fast.
  files?.forEach(assertCorpusFile);
  for (const file of files ?? []) counter.add(readCorpusFile(file));
  for (const text of texts ?? []) {
    if (typeof text !== 'string') {
      throw new PlugboardError('INVALID_ARGUMENT', `texts must yield strings, got ${typeof text}.`);
    }
    counter.add(text);
  }
  if (counter.counts.size === 0) {
    throw new PlugboardError('DATA_INVALID', 'The training corpus is empty (no text outside special tokens); give it some text.');
  }

  const total = vocabSize - BYTE_TOKENS_IN_VOCAB_ORDER.length - specialTokens.length;
  const learned = learnMerges(counter.counts, {
    maxTokens: vocabSize - specialTokens.length,
    minFrequency,
    onMerge: onProgress === undefined ? undefined : (merges) => onProgress({ merges, total }),
  });

  const tokenizerJson = buildTokenizerJson(learned.tokens, learned.merges, specialTokens, preTokenizer);
  const tokenizerConfig = buildTokenizerConfig(tokenizerJson.added_tokens, chatTemplate);
  return {
    tokenizerJson,
    tokenizerConfig,
    specialTokensMap: buildSpecialTokensMap(tokenizerConfig),
    stats: {
      corpusBytes: counter.bytes,
      preTokens: counter.preTokens,
      uniqueWords: counter.counts.size,
      merges: learned.merges.length,
      vocabSize: learned.tokens.length + specialTokens.length,
      stopReason: learned.stopReason,
      elapsedMs: performance.now() - started,
    },
  };
}
