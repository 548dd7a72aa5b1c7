import { describe, expect, it } from 'vitest';
import { DEFAULT_SPECIAL_TOKENS } from './special-tokens.ts';
import { buildSpecialTokensMap, buildTokenizerConfig } from './tokenizer-config.ts';
import { buildTokenizerJson } from './tokenizer-json.ts';

function addedTokens(specialTokens: readonly string[]) {
  return buildTokenizerJson(['a', 'b'], [], specialTokens).added_tokens;
}

describe('tokenizer_config.json', () => {
  it('declares ChatML: eos <|im_end|>, pad <|endoftext|>, a template with tools, every added token', () => {
    const config = buildTokenizerConfig(addedTokens(DEFAULT_SPECIAL_TOKENS));
    expect(config.eos_token).toBe('<|im_end|>');
    expect(config.pad_token).toBe('<|endoftext|>');
    expect(config.clean_up_tokenization_spaces).toBe(false);
    // Tool tags are added tokens but not skippable specials (Qwen2.5 convention).
    expect(config.additional_special_tokens).toEqual(['<|endoftext|>', '<|im_start|>', '<|im_end|>']);
    expect(Object.values(config.added_tokens_decoder).map((token) => [token.content, token.special])).toEqual(
      DEFAULT_SPECIAL_TOKENS.map((token) => [token, !token.includes('tool_')]),
    );
    expect(config.added_tokens_decoder['4']).toEqual({
      content: '<|im_end|>',
      lstrip: false,
      normalized: false,
      rstrip: false,
      single_word: false,
      special: true,
    });
    for (const marker of ['<|im_start|>', '<|im_end|>', '<tools>', '<tool_call>', '<tool_response>', 'add_generation_prompt']) {
      expect(config.chat_template).toContain(marker);
    }
    expect(buildSpecialTokensMap(config)).toEqual({
      additional_special_tokens: ['<|endoftext|>', '<|im_start|>', '<|im_end|>'],
      eos_token: '<|im_end|>',
      pad_token: '<|endoftext|>',
    });
  });

  it('leaves out the ChatML template when its tokens are not special tokens', () => {
    const config = buildTokenizerConfig(addedTokens(['<|endoftext|>']));
    expect(config.chat_template).toBeUndefined();
    expect(config.eos_token).toBe('<|endoftext|>');
    const bare = buildTokenizerConfig(addedTokens(['<sep>']));
    expect(bare.eos_token).toBeNull();
    expect(buildSpecialTokensMap(bare)).toEqual({ additional_special_tokens: ['<sep>'] });
  });
});
