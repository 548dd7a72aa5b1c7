import { tool } from '@langchain/core/tools';
import { PlugboardError, fnv1a } from '@plugboard/core';
import { searchDocs } from '@plugboard/skills';
import type { DocIndex } from '@plugboard/skills';
import { z } from 'zod';
import { ACCOUNT_SYSTEMS, EXPENSE_CATEGORIES, IT_SYSTEMS, OFFICES, SEVERITIES, expenseCap } from './world/world.ts';
import type { ExpenseCategory } from './world/world.ts';

/** The assistant's tools: zod schemas the agent validates calls against and the constrained decoder follows. */

// Schemas are kept lean: every prompt carries them (a few hundred tokens for a 5M-parameter model);
// what the schema leaves open (the city, the grade's range) the tool checks and reports as a tool error.
export const ExpensePolicyInput = z.object({
  category: z.enum(EXPENSE_CATEGORIES),
  city: z.string(),
  grade: z.number().int(),
  amount: z.number().int(),
});
export type ExpensePolicyArgs = z.infer<typeof ExpensePolicyInput>;

/** What expense_policy answers: the cap, and what may be refunded. */
export function checkExpense(args: ExpensePolicyArgs): { cap: number; within_cap: boolean; refund: number } {
  if (!OFFICES.some((o) => o.city === args.city)) throw new PlugboardError('INVALID_ARGUMENT', `Acme has no office in "${args.city}"; offices: ${OFFICES.map((o) => o.city).join(', ')}`);
  if (args.grade < 1 || args.grade > 5) throw new PlugboardError('INVALID_ARGUMENT', `grade must be 1 to 5, not ${args.grade}`);
  if (args.amount < 1) throw new PlugboardError('INVALID_ARGUMENT', `the amount must be a positive number of EUR, not ${args.amount}`);
  const cap = expenseCap(args.category as ExpenseCategory, args.city, args.grade);
  return { cap, within_cap: args.amount <= cap, refund: Math.min(args.amount, cap) };
}

export const ResetPasswordInput = z.object({
  user: z.string(),
  system: z.enum(ACCOUNT_SYSTEMS as [string, ...string[]]),
});
export type ResetPasswordArgs = z.infer<typeof ResetPasswordInput>;

export const CreateTicketInput = z.object({
  system: z.enum(IT_SYSTEMS),
  severity: z.enum(SEVERITIES),
  summary: z.string(),
});
export type CreateTicketArgs = z.infer<typeof CreateTicketInput>;

/** A ticket number that depends only on the ticket, so transcripts are reproducible. */
export function ticketNumber(args: CreateTicketArgs): string {
  return `IT-${1000 + (fnv1a(`${args.system}|${args.severity}|${args.summary}`) % 9000)}`;
}

/** The tools' results as the model reads them (compact JSON), shared by the tools and the training data. */
export const toolResults = {
  expense_policy: (args: ExpensePolicyArgs) => JSON.stringify(checkExpense(args)),
  reset_password: (args: ResetPasswordArgs) => JSON.stringify({ status: 'sent', user: args.user, system: args.system }),
  create_ticket: (args: CreateTicketArgs) => JSON.stringify({ ticket: ticketNumber(args), system: args.system, severity: args.severity }),
};

/** The handbook search: three passages, each as `[doc#section] text`. */
export const SEARCH_TOOL_OPTIONS = { defaultK: 3, format: 'cited-text' } as const;
const SearchInput = z.object({ query: z.string() });

export function assistantTools(index: Pick<DocIndex, 'search'>) {
  return [
    // skills' searchDocs (validation, errors, format) under a one-field schema: k stays at 3
    tool(async (args) => searchDocs(index, args, SEARCH_TOOL_OPTIONS), { name: 'search_docs', description: 'Search the handbook.', schema: SearchInput }),
    tool(async (args) => toolResults.expense_policy(args), { name: 'expense_policy', description: 'Check a claim against its cap.', schema: ExpensePolicyInput }),
    tool(async (args) => toolResults.reset_password(args), { name: 'reset_password', description: 'Send a password reset link.', schema: ResetPasswordInput }),
    tool(async (args) => toolResults.create_ticket(args), { name: 'create_ticket', description: 'Open an IT ticket.', schema: CreateTicketInput }),
  ];
}
