import type { SkillFinishReason, SkillResult } from '@plugboard/router';

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls';

export function finishReasonOf(reason: SkillFinishReason): OpenAIFinishReason {
  return reason === 'tool-calls' ? 'tool_calls' : reason === 'length' ? 'length' : 'stop';
}

/** Which skill answered, as the stream's first chunk and the non-streamed body carry it (an extra field clients ignore). */
export interface SkillMetadata {
  skill: string | null;
  version: string | null;
  reason: string;
}

/** Splits tool-call arguments into pieces, as OpenAI streams them (so clients exercise their fragment joining). */
export function argumentPieces(argsText: string, size = 8): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < argsText.length; i += size) pieces.push(argsText.slice(i, i + size));
  return pieces.length > 0 ? pieces : [''];
}

export function usageOf(results: readonly SkillResult[]): { prompt_tokens: number; completion_tokens: number; total_tokens: number; prompt_tokens_details: { cached_tokens: number } } {
  const prompt = results.reduce((s, r) => s + r.usage.promptTokens, 0);
  const completion = results.reduce((s, r) => s + r.usage.completionTokens, 0);
  const cached = results.reduce((s, r) => s + r.usage.cachedTokens, 0);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cached } };
}

/** The non-streamed choice of one result. */
export function choiceOf(index: number, result: SkillResult) {
  const toolCalls = result.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: JSON.stringify(c.args) } }));
  return {
    index,
    message: { role: 'assistant' as const, content: toolCalls.length > 0 && result.text === '' ? null : result.text, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
    logprobs: null,
    finish_reason: finishReasonOf(result.finishReason),
  };
}
