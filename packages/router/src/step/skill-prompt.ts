import type { ChatMessage } from '@plugboard/core';
import type { Skill } from '@plugboard/skills';

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
