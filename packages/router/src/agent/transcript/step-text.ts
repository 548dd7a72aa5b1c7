import { z } from 'zod';
import type { ChatMessage } from '@plugboard/core';

export const StepTextOptionsSchema = z.object({
  /** earlier messages (user, assistant, tool) put before the step's own text */
  history: z.number().int().nonnegative().default(1),
  /** each message is cut to this many characters */
  maxChars: z.number().int().positive().default(1000),
});
export type StepTextOptions = z.input<typeof StepTextOptionsSchema>;

/**
 * The text a router classifies for the next step: the latest user turn or
 * tool result, preceded by a short history (system messages are left out:
 * they hold instructions, not the task).
 */
export function stepText(messages: readonly ChatMessage[], options: StepTextOptions = {}): string {
  const { history, maxChars } = StepTextOptionsSchema.parse(options);
  const conversational = messages.filter((m) => m.role !== 'system' && (m.content ?? '') !== '');
  let focus = conversational.length - 1;
  while (focus >= 0 && conversational[focus]?.role !== 'user' && conversational[focus]?.role !== 'tool') focus--;
  if (focus < 0) return '';
  return conversational
    .slice(Math.max(0, focus - history), focus + 1)
    .map((m) => (m.content ?? '').slice(0, maxChars))
    .join('\n');
}
