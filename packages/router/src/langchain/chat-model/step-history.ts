import { AIMessage } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import type { ChatMessage } from '@plugboard/core';
import type { SkillRegistry } from '@plugboard/skills';
import type { AttributedMessage } from '../../step/skill-prompt.ts';
import { restoreSkillPrompts } from '../../step/skill-prompt.ts';
import { toChatMessages } from './to-chat-messages.ts';

/** Where PlugboardChatModel records, on each AIMessage it makes, the skill that wrote it (null: the base model). */
export const SKILL_KEY = 'plugboard_skill';

/** LangChain messages as routedStep's transcript, skill prompts restored where each recorded skill took over (see restoreSkillPrompts). */
export function stepHistory(messages: readonly BaseMessage[], registry: SkillRegistry): { messages: ChatMessage[]; current: string | null | undefined } {
  const history: AttributedMessage[] = messages.map((message) => {
    const skill = AIMessage.isInstance(message) ? message.additional_kwargs[SKILL_KEY] : undefined;
    const [chat] = toChatMessages([message]) as [ChatMessage];
    return typeof skill === 'string' || skill === null ? { message: chat, skill } : { message: chat };
  });
  return restoreSkillPrompts(history, registry);
}
