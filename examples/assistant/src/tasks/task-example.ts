import { z } from 'zod';
import type { ChatMessage } from '@plugboard/core';
import type { Split } from '../world/split.ts';

export const SKILL_NAMES = ['hr', 'finance', 'it', 'contracts'] as const;
export type SkillName = (typeof SKILL_NAMES)[number];

/** What a correct run must produce, checked field by field (see score.ts). */
export type Expected =
  | { skill: 'hr'; cite: string; key: string }
  | { skill: 'finance'; call: Record<string, unknown>; verdict: { approved: boolean; amount: number } }
  | { skill: 'it'; call: { name: 'reset_password' | 'create_ticket'; args: Record<string, unknown> } }
  | { skill: 'contracts'; fields: ContractFields }
  | { skill: null };

/** The contracts skill's answer: the schema its JSON follows (and what withStructuredOutput asks for). */
export const ContractFieldsSchema = z
  .object({
    parties: z.array(z.string()).length(2).describe('the two parties, in the order the passage names them'),
    start: z.string().describe('the start date, ISO yyyy-mm-dd'),
    term_months: z.number().int(),
    notice_days: z.number().int(),
    law: z.string().describe('the governing law'),
  })
  .describe("A contract's key terms.");
export type ContractFields = z.infer<typeof ContractFieldsSchema>;

/**
 * One task: the user's message, the reference turns a correct assistant
 * produces after it (tool calls, tool results, the answer), and what scoring checks.
 * `template` names the sentence template it came from: no test example shares one with training.
 */
export interface TaskExample {
  skill: SkillName | null;
  split: Split;
  template: string;
  user: string;
  reference: ChatMessage[];
  expected: Expected;
}

/** An assistant turn that calls a tool, in the Hermes/Qwen markup the chat template and the constrained decoder use. */
export function toolCallTurn(name: string, args: Record<string, unknown>): ChatMessage {
  return { role: 'assistant', content: `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>` };
}

export function toolResultTurn(name: string, content: string): ChatMessage {
  return { role: 'tool', name, content };
}

export function answerTurn(content: string): ChatMessage {
  return { role: 'assistant', content };
}

/** A person's opening, drawn per example: empty, a greeting, or who they are. */
export const OPENERS = [
  '',
  'Hi, ',
  'Hello, ',
  'Hey, ',
  'Good morning, ',
  'Hi there. ',
  'Quick question. ',
  'Sorry to bother you. ',
  'Hello team, ',
  'Morning! ',
] as const;

/** The opener and the message, with the message's first letter lowered after a comma ("Hi, how ..."). */
export function withOpener(opener: string, text: string): string {
  if (!opener.endsWith(', ')) return `${opener}${text}`;
  const lowered = /^(I|VPN|CRM|Outlook|Nobody|All|Everyone|It)\b/.test(text) ? text : `${text.charAt(0).toLowerCase()}${text.slice(1)}`;
  return `${opener}${lowered}`;
}
