import { z } from 'zod';
import { CHATML_COMPACT_TOOLS_TEMPLATE, CHATML_TOOLS_TEMPLATE } from '@plugboard/core';
import { CHATML_TOKENS } from './special-tokens.ts';
import type { AddedTokenJson } from './tokenizer-json.ts';

const addedTokenEntrySchema = z.object({
  content: z.string(),
  lstrip: z.boolean(),
  normalized: z.boolean(),
  rstrip: z.boolean(),
  single_word: z.boolean(),
  special: z.boolean(),
});

/** tokenizer_config.json in the transformers layout. */
export const tokenizerConfigJsonSchema = z.object({
  add_bos_token: z.boolean(),
  add_prefix_space: z.boolean(),
  added_tokens_decoder: z.record(z.string(), addedTokenEntrySchema),
  additional_special_tokens: z.array(z.string()),
  bos_token: z.null(),
  chat_template: z.string().optional(),
  // Off so that decode returns the exact text, never "fixed" punctuation spacing.
  clean_up_tokenization_spaces: z.literal(false),
  eos_token: z.string().nullable(),
  errors: z.literal('replace'),
  pad_token: z.string().nullable(),
  split_special_tokens: z.boolean(),
  tokenizer_class: z.string(),
  unk_token: z.null(),
});

export const specialTokensMapSchema = z.object({
  additional_special_tokens: z.array(z.string()),
  eos_token: z.string().optional(),
  pad_token: z.string().optional(),
});

export type TokenizerConfigJson = z.infer<typeof tokenizerConfigJsonSchema>;
export type SpecialTokensMap = z.infer<typeof specialTokensMapSchema>;

/**
 * The ChatML template names these tokens literally, so it is only written
 * when every one of them is a special token of this tokenizer.
 */
function supportsChatMl(specialTokens: readonly string[]): boolean {
  return Object.values(CHATML_TOKENS).every((token) => specialTokens.includes(token));
}

/** `<|im_end|>` ends an assistant turn; plain-text tokenizers fall back to `<|endoftext|>`. */
function pickEosToken(specialTokens: readonly string[]): string | null {
  if (specialTokens.includes(CHATML_TOKENS.imEnd)) return CHATML_TOKENS.imEnd;
  if (specialTokens.includes(CHATML_TOKENS.endOfText)) return CHATML_TOKENS.endOfText;
  return null;
}

function pickPadToken(specialTokens: readonly string[]): string | null {
  return specialTokens.includes(CHATML_TOKENS.endOfText) ? CHATML_TOKENS.endOfText : null;
}

/** The chat templates a trained tokenizer can carry: Qwen2.5's tool rendering (JSON schemas) or one-line signatures. */
export const CHAT_TEMPLATES = { chatml: CHATML_TOOLS_TEMPLATE, compact: CHATML_COMPACT_TOOLS_TEMPLATE } as const;
export const CHAT_TEMPLATE_NAMES = ['chatml', 'compact'] as const satisfies readonly (keyof typeof CHAT_TEMPLATES)[];
export type ChatTemplateName = (typeof CHAT_TEMPLATE_NAMES)[number];

export function buildTokenizerConfig(addedTokens: readonly AddedTokenJson[], chatTemplate: ChatTemplateName = 'chatml'): TokenizerConfigJson {
  const specialTokens = addedTokens.map((token) => token.content);
  const addedTokensDecoder = Object.fromEntries(
    addedTokens.map(({ id, content, lstrip, normalized, rstrip, single_word, special }) => [
      String(id),
      { content, lstrip, normalized, rstrip, single_word, special },
    ]),
  );
  return {
    add_bos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: addedTokensDecoder,
    // Only tokens flagged special: readers skip these when decoding, and tool tags must survive.
    additional_special_tokens: addedTokens.filter((token) => token.special).map((token) => token.content),
    bos_token: null,
    ...(supportsChatMl(specialTokens) ? { chat_template: CHAT_TEMPLATES[chatTemplate] } : {}),
    clean_up_tokenization_spaces: false,
    eos_token: pickEosToken(specialTokens),
    errors: 'replace',
    pad_token: pickPadToken(specialTokens),
    split_special_tokens: false,
    // The generic fast class loads tokenizer.json as is (Qwen2Tokenizer would add NFC).
    tokenizer_class: 'PreTrainedTokenizerFast',
    unk_token: null,
  };
}

export function buildSpecialTokensMap(config: TokenizerConfigJson): SpecialTokensMap {
  return {
    additional_special_tokens: config.additional_special_tokens,
    ...(config.eos_token === null ? {} : { eos_token: config.eos_token }),
    ...(config.pad_token === null ? {} : { pad_token: config.pad_token }),
  };
}
