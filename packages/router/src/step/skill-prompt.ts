import type { ChatMessage } from '@plugboard/core';
import type { Skill, SkillRegistry } from '@plugboard/skills';

/**
 * The system message that carries a skill's instructions. It enters the
 * transcript at the step where the skill takes over (never rewriting earlier
 * messages), so the KV cache of everything before it stays valid.
 */
export function skillPromptMessage(skill: Skill | null): ChatMessage | null {
  if (skill === null || skill.manifest.systemPrompt === '') return null;
  return { role: 'system', content: skill.manifest.systemPrompt };
}

/** The history with the skill's instructions appended when the step changes skill. */
export function withSkillPrompt(history: readonly ChatMessage[], skill: Skill | null, current: string | null): ChatMessage[] {
  const prompt = skill?.manifest.name === current ? null : skillPromptMessage(skill);
  return prompt === null ? [...history] : [...history, prompt];
}

/** A history message, with the skill that wrote it when it is a reply a front end recorded (null: the base model). */
export interface AttributedMessage {
  message: ChatMessage;
  skill?: string | null;
}

/**
 * A front end's history (LangChain state, AI SDK prompt) as routedStep
 * composes over it: each skill's instructions put back where that skill took
 * over, as the agent loop inserts them, so every call's prompt extends the
 * previous one and its KV cache stays valid. `current` is the skill of the
 * latest attributed reply (undefined before the first).
 */
export function restoreSkillPrompts(history: readonly AttributedMessage[], registry: SkillRegistry): { messages: ChatMessage[]; current: string | null | undefined } {
  let messages: ChatMessage[] = [];
  let current: string | null | undefined;
  for (const { message, skill } of history) {
    if (skill !== undefined) {
      messages = withSkillPrompt(messages, skill !== null && registry.has(skill) ? registry.get(skill) : null, current ?? null);
      current = skill;
    }
    messages.push(message);
  }
  return { messages, current };
}
