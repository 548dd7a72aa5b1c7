import type { AgentResult, ToolCallRecord } from '@plugboard/router';
import { ContractFieldsSchema } from './tasks/task-example.ts';
import type { ContractFields, Expected, TaskExample } from './tasks/task-example.ts';
import { FALLBACK_REPLY, GREETING_REPLY } from './tasks/smalltalk.ts';

/**
 * Field-exact task scores. A task counts as correct only if every field its
 * skill must get right is exactly right:
 * - hr: the answer carries the policy's key value and the exact `[hr-policies#section]` citation;
 * - finance: expense_policy was called with the claim's category, city, grade and amount, and the verdict JSON has the right `approved` and `amount`;
 * - it: the right tool, with the right `system` and `severity` (tickets) or `user` and `system` (resets);
 * - contracts: the answer is one JSON object whose five fields all equal the passage's;
 * - base (greetings, out of scope): the reply is the assistant's greeting or its polite refusal.
 * `fields` counts the same checks one by one (a tool argument, a JSON field, the citation), so a skill
 * that gets four of a claim's six values right shows it; `correct` stays all-or-nothing.
 */
export interface TaskScore {
  correct: boolean;
  /** every tool call parsed and passed its zod schema */
  toolCallsValid: boolean;
  toolCalls: number;
  /** how many of the checks `correct` needs passed, of how many */
  fields: { right: number; total: number };
  detail: string;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.trim()) as unknown;
  } catch {
    return undefined;
  }
}

/** one check per expected argument */
const argChecks = (args: Record<string, unknown> | null | undefined, expected: Record<string, unknown>) => Object.entries(expected).map(([k, v]) => args?.[k] === v);

function findCall(calls: readonly ToolCallRecord[], name: string): ToolCallRecord | undefined {
  return calls.find((c) => c.name === name);
}

/** One check per contract field (parties in order), on whatever object the answer parsed to. */
function contractChecks(value: unknown, fields: ContractFields): boolean[] {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof ContractFields, unknown>>;
  const parties = Array.isArray(v.parties) ? (v.parties as unknown[]) : [];
  return [parties[0] === fields.parties[0], parties[1] === fields.parties[1], v.start === fields.start, v.term_months === fields.term_months, v.notice_days === fields.notice_days, v.law === fields.law];
}

/** The answer parses as the skill's schema and every field equals the passage's (parties in order). */
export function sameContract(value: unknown, fields: ContractFields): boolean {
  return ContractFieldsSchema.safeParse(value).success && contractChecks(value, fields).every(Boolean);
}

export function scoreTask(example: TaskExample, result: Pick<AgentResult, 'answer' | 'steps'>): TaskScore {
  const calls = result.steps.flatMap((s) => s.toolCalls);
  const toolCallsValid = calls.every((c) => c.ok);
  const answer = result.answer.trim();
  const verdict = (checks: readonly boolean[], detail: string, correct = checks.every(Boolean)): TaskScore => ({
    correct,
    toolCallsValid,
    toolCalls: calls.length,
    fields: { right: checks.filter(Boolean).length, total: checks.length },
    detail,
  });
  const expected: Expected = example.expected;
  switch (expected.skill) {
    case 'hr':
      return verdict([answer.includes(expected.key), answer.includes(`[${expected.cite}]`)], answer);
    case 'finance': {
      const call = findCall(calls, 'expense_policy');
      const parsed = parseJson(answer) as { approved?: unknown; amount?: unknown } | undefined;
      const checks = [...argChecks(call?.args, expected.call), parsed?.approved === expected.verdict.approved, parsed?.amount === expected.verdict.amount];
      return verdict(checks, `${JSON.stringify(call?.args ?? null)} → ${answer}`);
    }
    case 'it': {
      const call = findCall(calls, expected.call.name);
      return verdict([call !== undefined, ...argChecks(call?.args, expected.call.args)], JSON.stringify(calls.map((c) => ({ name: c.name, args: c.args }))));
    }
    case 'contracts': {
      const value = parseJson(answer);
      return verdict(contractChecks(value, expected.fields), answer, sameContract(value, expected.fields));
    }
    case null:
      return verdict([answer === GREETING_REPLY || answer === FALLBACK_REPLY], answer);
  }
}
