import type { LanguageModelV4Prompt, LanguageModelV4ToolResultOutput } from '@ai-sdk/provider';
import { PlugboardError } from '@plugboard/core';
import type { AttributedMessage } from '@plugboard/router';

/** What the provider stores on each reply (AI SDK hands it back as the message parts' providerOptions). */
export interface PlugboardReplyMetadata {
  /** the text as generated, tool-call markup included: rendering it back makes the next prompt extend the cached one */
  rawText: string;
  /** the skill that wrote it (null: the base model) */
  skill: string | null;
}

function replyMetadata(options: unknown): PlugboardReplyMetadata | undefined {
  const meta = (options as { plugboard?: Partial<PlugboardReplyMetadata> } | undefined)?.plugboard;
  if (meta === undefined || typeof meta.rawText !== 'string' || (meta.skill !== null && typeof meta.skill !== 'string')) return undefined;
  return { rawText: meta.rawText, skill: meta.skill ?? null };
}

function outputText(output: LanguageModelV4ToolResultOutput): string {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'json':
    case 'error-json':
      return JSON.stringify(output.value);
    case 'execution-denied':
      return JSON.stringify({ error: { code: 'EXECUTION_DENIED', message: output.reason ?? 'the tool call was denied' } });
    default:
      return JSON.stringify(output.value);
  }
}

/**
 * An AI SDK prompt as chat messages, each reply attributed to the skill that
 * wrote it (when this provider wrote it). Files are refused: the local models
 * read text only.
 */
export function promptToMessages(prompt: LanguageModelV4Prompt): AttributedMessage[] {
  const out: AttributedMessage[] = [];
  for (const message of prompt) {
    if (message.role === 'system') {
      out.push({ message: { role: 'system', content: message.content } });
    } else if (message.role === 'user') {
      const text = message.content.map((part) => {
        if (part.type !== 'text') throw new PlugboardError('UNSUPPORTED_FEATURE', `a "${part.type}" part cannot be given to a local text model; send text parts only`);
        return part.text;
      });
      out.push({ message: { role: 'user', content: text.join('') } });
    } else if (message.role === 'assistant') {
      const meta = message.content.map((part) => replyMetadata(part.providerOptions)).find((m) => m !== undefined);
      if (meta !== undefined) {
        out.push({ message: { role: 'assistant', content: meta.rawText }, skill: meta.skill });
        continue;
      }
      const text = message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
      const calls = message.content.flatMap((part) => (part.type === 'tool-call' ? [{ id: part.toolCallId, type: 'function' as const, function: { name: part.toolName, arguments: (part.input ?? {}) as Record<string, unknown> } }] : []));
      out.push({ message: calls.length === 0 ? { role: 'assistant', content: text } : { role: 'assistant', content: text === '' ? null : text, tool_calls: calls } });
    } else {
      for (const part of message.content) {
        if (part.type === 'tool-result') out.push({ message: { role: 'tool', name: part.toolName, tool_call_id: part.toolCallId, content: outputText(part.output) } });
      }
    }
  }
  return out;
}
