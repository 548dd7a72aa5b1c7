import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import { PlugboardError } from '@plugboard/core';
import type { ChatMessage } from '@plugboard/core';

/**
 * Where a PlugboardChatModel keeps the text it generated (tool-call markup
 * included) on its AIMessage: rendering that text back, rather than the
 * parsed tool calls, makes the next prompt extend the cached tokens exactly.
 */
export const RAW_TEXT_KEY = 'plugboard_raw_text';

/** LangChain messages as chat-template messages. */
export function toChatMessages(messages: readonly BaseMessage[]): ChatMessage[] {
  return messages.map(toChatMessage);
}

function toChatMessage(message: BaseMessage): ChatMessage {
  if (SystemMessage.isInstance(message)) return { role: 'system', content: message.text };
  if (HumanMessage.isInstance(message)) return { role: 'user', content: message.text };
  if (ToolMessage.isInstance(message)) {
    const tool: ChatMessage = { role: 'tool', content: message.text, tool_call_id: message.tool_call_id };
    return message.name === undefined ? tool : { ...tool, name: message.name };
  }
  if (AIMessage.isInstance(message)) {
    const raw = message.additional_kwargs[RAW_TEXT_KEY];
    if (typeof raw === 'string') return { role: 'assistant', content: raw };
    const calls = message.tool_calls ?? [];
    if (calls.length === 0) return { role: 'assistant', content: message.text };
    return {
      role: 'assistant',
      content: message.text === '' ? null : message.text,
      tool_calls: calls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.args } })),
    };
  }
  throw new PlugboardError('INVALID_ARGUMENT', `a "${message.type}" message cannot be rendered for a local model; use system, human, ai and tool messages`);
}
