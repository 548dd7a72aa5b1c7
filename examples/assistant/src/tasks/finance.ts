import { SeededRandom, deriveSeed } from '@plugboard/core';
import { checkExpense, toolResults } from '../tools.ts';
import type { ExpensePolicyArgs } from '../tools.ts';
import { fill, splitPool } from '../world/split.ts';
import type { Split } from '../world/split.ts';
import { EXPENSE_CATEGORIES, expenseCap } from '../world/world.ts';
import type { ExpenseCategory, World } from '../world/world.ts';
import { OPENERS, answerTurn, toolCallTurn, toolResultTurn, withOpener } from './task-example.ts';
import type { TaskExample } from './task-example.ts';

/** How people describe what they spent on (the category's vocabulary: shared by both splits). */
export const CATEGORY_PHRASES: Record<ExpenseCategory, readonly string[]> = {
  meals: ['lunch', 'a meal', 'dinner on a work trip', 'meals'],
  hotel: ['a hotel night', 'the hotel', 'one night in a hotel'],
  taxi: ['a taxi', 'a cab ride', 'a taxi to the airport'],
  train: ['a train ticket', 'the train', 'a rail ticket'],
  flight: ['a flight', 'plane tickets', 'an economy flight'],
  conference: ['a conference ticket', 'the conference fee', 'a trade fair pass'],
  software: ['a software licence', 'a software subscription', 'an app licence'],
  'client-dinner': ['a client dinner', 'dinner with a client', 'a customer dinner'],
};

const CLAIMS = [
  'Please check my claim: {amount} EUR for {what} in {city}. I am grade {grade}.',
  'I spent {amount} EUR on {what} in {city}, grade {grade}. Is that approved?',
  'Can I expense {what} in {city} for {amount} EUR? My grade is {grade}.',
  'Expense claim: {what}, {city}, {amount} EUR, grade {grade}.',
  'I am a grade {grade} employee and paid {amount} EUR for {what} in {city}. Will it be refunded?',
  'Grade {grade} here. {what} in {city} cost me {amount} EUR, is that within policy?',
  'Is {amount} EUR for {what} in {city} OK at grade {grade}?',
  'Would {what} in {city} at {amount} EUR be refunded for grade {grade}?',
  'My receipt says {amount} EUR for {what} in {city}; I am grade {grade}. Approve?',
  'Claiming {amount} EUR for {what} during my trip to {city} (grade {grade}).',
  'Check this expense please: grade {grade}, {city}, {what}, {amount} EUR.',
  'In {city} I paid {amount} EUR for {what}. Grade {grade}. Can I claim it?',
];

/** The verdict the skill writes after the tool result: JSON a program can read. */
export function verdictText(category: ExpenseCategory, result: ReturnType<typeof checkExpense>): string {
  const reason = result.within_cap ? `within the ${category} cap of ${result.cap} EUR` : `over the ${category} cap of ${result.cap} EUR`;
  return JSON.stringify({ approved: result.within_cap, amount: result.refund, reason });
}

/** Amounts around the cap: about half the claims go over it. */
function drawAmount(random: SeededRandom, cap: number): number {
  return Math.max(1, Math.round(cap * (0.4 + random.nextFloat() * 1.2)));
}

export function financeExamples(world: World, split: Split, count: number): TaskExample[] {
  const claims = splitPool(CLAIMS, 'finance-claims', world.seed)[split];
  const openers = splitPool(OPENERS, 'finance-openers', world.seed)[split];
  const random = new SeededRandom(deriveSeed(world.seed, `finance-${split}`));
  return Array.from({ length: count }, () => {
    const category = random.pick(EXPENSE_CATEGORIES);
    const city = random.pick(world.cities[split]);
    const grade = 1 + random.nextInt(5);
    const amount = drawAmount(random, expenseCap(category, city, grade));
    const claim = random.pick(claims);
    const user = withOpener(random.pick(openers), fill(claim, { amount, what: random.pick(CATEGORY_PHRASES[category]), city, grade }));
    const args: ExpensePolicyArgs = { category, city, grade, amount };
    const result = checkExpense(args);
    return {
      skill: 'finance' as const,
      split,
      template: `finance:${claim}`,
      user,
      reference: [toolCallTurn('expense_policy', args), toolResultTurn('expense_policy', toolResults.expense_policy(args)), answerTurn(verdictText(category, result))],
      expected: { skill: 'finance' as const, call: { ...args }, verdict: { approved: result.within_cap, amount: result.refund } },
    };
  });
}
