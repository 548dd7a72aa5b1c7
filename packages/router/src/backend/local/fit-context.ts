import type { ChatMessage } from '@plugboard/core';

export interface FittedMessages {
  messages: ChatMessage[];
  /** how many messages were left out (oldest first) */
  dropped: number;
}

/**
 * The context policy of a local prompt: when the rendered prompt needs more
 * than `budget` tokens, the oldest turns are dropped, one message at a time
 * from the front, until it fits. System messages (the agent's and the skills'
 * instructions) and the latest user turn with everything after it are never
 * dropped; a tool result that follows a dropped message goes with it, so no
 * result is left without its call. When only what must stay is left and it
 * still does not fit, the messages are returned as they are and generation
 * reports PROMPT_TOO_LONG (tool results are cut to a budget before they get here).
 */
export function fitToContext(messages: readonly ChatMessage[], budget: number, countTokens: (messages: ChatMessage[]) => number): FittedMessages {
  if (countTokens([...messages]) <= budget) return { messages: [...messages], dropped: 0 };
  const lastUser = messages.findLastIndex((m) => m.role === 'user');
  const kept = messages.map(() => true);
  const current = () => messages.filter((_, i) => kept[i]);
  for (let i = 0; i < lastUser; i++) {
    if (messages[i]?.role === 'system' || !kept[i]) continue;
    kept[i] = false;
    // the tool results right behind a dropped message go with it
    for (let j = i + 1; j < lastUser && messages[j]?.role === 'tool'; j++) kept[j] = false;
    if (countTokens(current()) <= budget) break;
  }
  const fitted = current();
  return { messages: fitted, dropped: messages.length - fitted.length };
}
