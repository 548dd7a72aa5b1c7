import { PlugboardError } from '@plugboard/core';

/** ChatML turn markers plus the Hermes/Qwen tool-call tags. */
export const CHATML_TOKENS = {
  endOfText: '<|endoftext|>',
  imStart: '<|im_start|>',
  imEnd: '<|im_end|>',
  toolCallStart: '<tool_call>',
  toolCallEnd: '</tool_call>',
  toolResponseStart: '<tool_response>',
  toolResponseEnd: '</tool_response>',
} as const;

export const DEFAULT_SPECIAL_TOKENS: readonly string[] = Object.values(CHATML_TOKENS);

const TOOL_MARKUP: readonly string[] = [
  CHATML_TOKENS.toolCallStart,
  CHATML_TOKENS.toolCallEnd,
  CHATML_TOKENS.toolResponseStart,
  CHATML_TOKENS.toolResponseEnd,
];

/**
 * Every special token is an added token (one id, never split). Tool-call tags
 * are, as in Qwen2.5, not flagged `special`: decoding with
 * skip_special_tokens must keep them, or tool calls could not be parsed.
 */
export function isSkippedWhenDecoding(token: string): boolean {
  return !TOOL_MARKUP.includes(token);
}

/** Rejects empty or repeated special tokens: each must own exactly one id. */
export function validateSpecialTokens(specialTokens: readonly string[]): void {
  const seen = new Set<string>();
  for (const token of specialTokens) {
    if (token.length === 0) {
      throw new PlugboardError('INVALID_ARGUMENT', 'A special token is the empty string; remove it from specialTokens.');
    }
    if (seen.has(token)) {
      throw new PlugboardError('INVALID_ARGUMENT', `Special token "${token}" is listed twice; list each special token once.`);
    }
    seen.add(token);
  }
}

/**
 * Cuts text around every occurrence of a special token and returns the plain
 * text in between. Training must not learn merges across or inside special
 * tokens, because the encoder always isolates them first. Longest token wins
 * where one special token is a prefix of another, as in the encoder.
 */
export function splitOnSpecialTokens(text: string, specialTokens: readonly string[]): string[] {
  if (specialTokens.length === 0) return [text];
  const longestFirst = [...specialTokens].sort((a, b) => b.length - a.length);
  // Cheap first-character filter: most positions cannot start a special token.
  const firstChars = new Set(specialTokens.map((token) => token[0]));
  const pieces: string[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const token = firstChars.has(text[i]) ? longestFirst.find((candidate) => text.startsWith(candidate, i)) : undefined;
    if (token === undefined) {
      i++;
      continue;
    }
    if (i > start) pieces.push(text.slice(start, i));
    i += token.length;
    start = i;
  }
  if (start < text.length) pieces.push(text.slice(start));
  return pieces;
}
