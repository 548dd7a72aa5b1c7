import { z } from 'zod';
import { PRE_TOKENIZER_SPLITS } from './pre-tokenize.ts';
import type { PreTokenizerName } from './pre-tokenize.ts';
import { isSkippedWhenDecoding } from './special-tokens.ts';

const byteLevelSchema = z.object({
  type: z.literal('ByteLevel'),
  add_prefix_space: z.boolean(),
  trim_offsets: z.boolean(),
  use_regex: z.boolean(),
});

export const addedTokenSchema = z.object({
  id: z.number().int().nonnegative(),
  content: z.string().min(1),
  single_word: z.boolean(),
  lstrip: z.boolean(),
  rstrip: z.boolean(),
  normalized: z.boolean(),
  special: z.boolean(),
});

/**
 * The tokenizer.json we write: the Hugging Face `tokenizers` serialization of
 * a Qwen2-style byte-level BPE, readable by the Rust crate, transformers and
 * @huggingface/tokenizers. Unlike Qwen2 there is no NFC normalizer, so
 * decode(encode(text)) returns the exact input, combining marks included.
 */
export const tokenizerJsonSchema = z.object({
  version: z.literal('1.0'),
  truncation: z.null(),
  padding: z.null(),
  added_tokens: z.array(addedTokenSchema),
  normalizer: z.null(),
  pre_tokenizer: z.object({
    type: z.literal('Sequence'),
    pretokenizers: z.tuple([
      z.object({
        type: z.literal('Split'),
        pattern: z.object({ Regex: z.string() }),
        behavior: z.literal('Isolated'),
        invert: z.literal(false),
      }),
      byteLevelSchema,
    ]),
  }),
  post_processor: byteLevelSchema,
  decoder: byteLevelSchema,
  model: z.object({
    type: z.literal('BPE'),
    dropout: z.null(),
    unk_token: z.null(),
    continuing_subword_prefix: z.null(),
    end_of_word_suffix: z.null(),
    fuse_unk: z.boolean(),
    byte_fallback: z.boolean(),
    ignore_merges: z.boolean(),
    vocab: z.record(z.string(), z.number().int().nonnegative()),
    // "left right": byte-level tokens never contain a real space (it is Ġ).
    merges: z.array(z.string()),
  }),
});

export type TokenizerJson = z.infer<typeof tokenizerJsonSchema>;
export type AddedTokenJson = z.infer<typeof addedTokenSchema>;

/** Byte-level settings shared by the pre-tokenizer, post-processor and decoder. */
const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false } as const;

/**
 * Assembles tokenizer.json from a trained model vocabulary (id order) and
 * merges (rank order). Special tokens take the ids right after the model
 * vocabulary, as in Qwen2 and GPT-2.
 */
export function buildTokenizerJson(
  tokens: readonly string[],
  merges: readonly (readonly [string, string])[],
  specialTokens: readonly string[],
  split: PreTokenizerName = 'qwen2',
): TokenizerJson {
  // fromEntries defines own properties: a token string can never reach Object.prototype.
  const vocab: Record<string, number> = Object.fromEntries(tokens.map((token, id) => [token, id]));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialTokens.map((content, i) => ({
      id: tokens.length + i,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: isSkippedWhenDecoding(content),
    })),
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: PRE_TOKENIZER_SPLITS[split].pattern }, behavior: 'Isolated', invert: false },
        { ...BYTE_LEVEL },
      ],
    },
    post_processor: { ...BYTE_LEVEL },
    decoder: { ...BYTE_LEVEL },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: merges.map(([left, right]) => `${left} ${right}`),
    },
  };
}
