import { z } from 'zod';
import type { ChatMessage } from '@plugboard/core';
import { parseToolCalls } from '../tool-calls/parse-tool-calls.ts';

export const StepTextOptionsSchema = z.object({
  /** earlier user and assistant turns put before the latest user turn */
  history: z.number().int().nonnegative().default(1),
  /** each message is cut to this many characters */
  maxChars: z.number().int().positive().default(1000),
});
export type StepTextOptions = z.input<typeof StepTextOptionsSchema>;

/**
 * The text a router classifies for a step: what the user asked — the latest
 * user turn, preceded by a short window of earlier user and assistant turns.
 * Tool results and system messages are never part of it (they hold data and
 * instructions, not the task), nor is an assistant's tool-call markup.
 */
export function stepText(messages: readonly ChatMessage[], options: StepTextOptions = {}): string {
  const { history, maxChars } = StepTextOptionsSchema.parse(options);
  const turns = messages
    .filter((m) => m.role === 'user' || m.role === 'assistant')
    .map((m) => ({ role: m.role, text: m.role === 'assistant' ? parseToolCalls(m.content ?? '', '').text : (m.content ?? '') }))
    .filter((m) => m.text !== '');
  const focus = turns.findLastIndex((m) => m.role === 'user');
  if (focus < 0) return '';
  return turns
    .slice(Math.max(0, focus - history), focus + 1)
    .map((m) => m.text.slice(0, maxChars))
    .join('\n');
}
