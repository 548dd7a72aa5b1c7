import { describe, expect, it } from 'vitest';
import { DEFAULT_SPECIAL_TOKENS, splitOnSpecialTokens, validateSpecialTokens } from './special-tokens.ts';

describe('special tokens', () => {
  it('defaults to ChatML markers and tool-call tags', () => {
    expect(DEFAULT_SPECIAL_TOKENS).toEqual([
      '<|endoftext|>',
      '<|im_start|>',
      '<|im_end|>',
      '<tool_call>',
      '</tool_call>',
      '<tool_response>',
      '</tool_response>',
    ]);
  });

  it('cuts special tokens out of text, keeping the text around them', () => {
    const text = '<|im_start|>user\nhi<|im_end|><|im_end|>\n<tool_call>{}</tool_call>';
    expect(splitOnSpecialTokens(text, DEFAULT_SPECIAL_TOKENS)).toEqual(['user\nhi', '\n', '{}']);
    expect(splitOnSpecialTokens('no specials <|im_', DEFAULT_SPECIAL_TOKENS)).toEqual(['no specials <|im_']);
  });

  it('prefers the longest special token at a position', () => {
    expect(splitOnSpecialTokens('a<x>>b', ['<x>', '<x>>'])).toEqual(['a', 'b']);
  });

  it.each([[['<a>', '']], [['<a>', '<a>']]])('rejects empty or repeated tokens %j', (tokens) => {
    expect(() => validateSpecialTokens(tokens)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
