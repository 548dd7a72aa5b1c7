import { AIMessage } from '@langchain/core/messages';
import type { BaseMessage, SystemMessage } from '@langchain/core/messages';
import type { ChatMessage } from '@plugboard/core';
import type { SkillRegistry } from '@plugboard/skills';
import { withSkillPrompt } from '../../step/skill-prompt.ts';
import { toChatMessages } from '../chat-model/to-chat-messages.ts';

/** Where skillRouterMiddleware records, on each AIMessage it makes, the skill that wrote it (null: the base model). */
export const SKILL_KEY = 'plugboard_skill';

/**
 * A LangChain agent's state as the transcript routedStep composes over: the
 * system message, then the messages with each skill's instructions put back
 * where that skill took over (the AIMessages say which skill wrote them), so
 * every call's prompt extends the previous one and its KV cache stays valid.
 * `current` is the skill of the latest AIMessage (undefined before the first).
 */
export function stepHistory(system: SystemMessage, messages: readonly BaseMessage[], registry: SkillRegistry): { messages: ChatMessage[]; current: string | null | undefined } {
  let history: ChatMessage[] = system.text === '' ? [] : [{ role: 'system', content: system.text }];
  let current: string | null | undefined;
  for (const message of messages) {
    const skill = AIMessage.isInstance(message) ? message.additional_kwargs[SKILL_KEY] : undefined;
    if (typeof skill === 'string' || skill === null) {
      history = withSkillPrompt(history, skill !== null && registry.has(skill) ? registry.get(skill) : null, current ?? null);
      current = skill;
    }
    history.push(...toChatMessages([message]));
  }
  return { messages: history, current };
}
