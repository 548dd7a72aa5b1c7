import type { InvalidToolCall, ToolCall } from '@langchain/core/messages/tool';
import type { GenerationResult } from '@plugboard/core';
import { isParsedToolCall, parseToolCalls } from '../../agent/tool-calls/parse-tool-calls.ts';
import { RAW_TEXT_KEY } from './to-chat-messages.ts';

export interface AIMessageParts {
  /** the text outside tool calls */
  content: string;
  tool_calls: ToolCall[];
  invalid_tool_calls: InvalidToolCall[];
  additional_kwargs: Record<string, unknown>;
  response_metadata: Record<string, unknown>;
}

/** What an AIMessage holds for a generation: its text, its `<tool_call>`s as LangChain tool calls, and usage. */
export function aiMessageParts(result: GenerationResult, idPrefix: string): AIMessageParts {
  const parsed = parseToolCalls(result.text, idPrefix);
  const parts: AIMessageParts = {
    content: parsed.text,
    tool_calls: [],
    invalid_tool_calls: [],
    additional_kwargs: { [RAW_TEXT_KEY]: result.text },
    response_metadata: { finish_reason: result.finishReason, model_provider: 'plugboard', timings: result.timings },
  };
  for (const call of parsed.calls) {
    if (isParsedToolCall(call)) parts.tool_calls.push({ id: call.id, name: call.name, args: call.args, type: 'tool_call' });
    else parts.invalid_tool_calls.push({ id: call.id, name: call.name ?? undefined, args: call.raw, error: call.error, type: 'invalid_tool_call' });
  }
  return parts;
}

export function usageOf(result: GenerationResult): { input_tokens: number; output_tokens: number; total_tokens: number } {
  const { promptTokens, generatedTokens } = result.timings;
  return { input_tokens: promptTokens, output_tokens: generatedTokens, total_tokens: promptTokens + generatedTokens };
}
