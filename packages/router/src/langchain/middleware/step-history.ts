import { AIMessage } from '@langchain/core/messages';
import type { BaseMessage, SystemMessage } from '@langchain/core/messages';
import type { ChatMessage } from '@plugboard/core';
import type { SkillRegistry } from '@plugboard/skills';
import type { AttributedMessage } from '../../step/skill-prompt.ts';
import { restoreSkillPrompts } from '../../step/skill-prompt.ts';
import { toChatMessages } from '../chat-model/to-chat-messages.ts';

/** Where skillRouterMiddleware records, on each AIMessage it makes, the skill that wrote it (null: the base model). */
export const SKILL_KEY = 'plugboard_skill';

/** A LangChain agent's system message and state as routedStep's transcript, skill prompts restored (see restoreSkillPrompts). */
export function stepHistory(system: SystemMessage, messages: readonly BaseMessage[], registry: SkillRegistry): { messages: ChatMessage[]; current: string | null | undefined } {
  const history: AttributedMessage[] = system.text === '' ? [] : [{ message: { role: 'system', content: system.text } }];
  for (const message of messages) {
    const skill = AIMessage.isInstance(message) ? message.additional_kwargs[SKILL_KEY] : undefined;
    const [chat] = toChatMessages([message]) as [ChatMessage];
    history.push(typeof skill === 'string' || skill === null ? { message: chat, skill } : { message: chat });
  }
  return restoreSkillPrompts(history, registry);
}
