import { SeededRandom, deriveSeed } from '@plugboard/core';
import { fill, splitPool } from '../world/split.ts';
import type { Split } from '../world/split.ts';
import { ACME_ENTITIES } from '../world/world.ts';
import type { World } from '../world/world.ts';
import { answerTurn } from './task-example.ts';
import type { ContractFields, TaskExample } from './task-example.ts';

/** Each clause's wordings; a test passage uses only held-out wordings of every clause. */
const CLAUSES = {
  parties: [
    'This agreement is made between {a} and {b}.',
    '{a} and {b} enter into this services agreement.',
    'The parties to this contract are {a} and {b}.',
    'This contract is concluded by {a} and {b}.',
    'This master agreement binds {a} and {b}.',
    '{a} agrees with {b} as follows.',
    'This supply contract is signed by {a} and {b}.',
  ],
  start: [
    'It takes effect on {date}.',
    'The agreement starts on {date}.',
    'Effective date: {date}.',
    'This contract begins on {date}.',
    'The services commence on {date}.',
    'It is effective from {date}.',
    'Work under it begins on {date}.',
  ],
  term: [
    'The term is {term} months.',
    'It runs for {term} months.',
    'The initial term lasts {term} months.',
    'Duration: {term} months.',
    'It remains in force for {term} months.',
    'The contract has a term of {term} months.',
  ],
  notice: [
    'Either party may terminate it with {notice} days of written notice.',
    'Termination requires {notice} days notice in writing.',
    'Notice period: {notice} days.',
    'A party may end it by giving {notice} days notice.',
    'To cancel, give the other party {notice} days written notice.',
    'It can be ended on {notice} days notice.',
  ],
  law: [
    'It is governed by the laws of {law}.',
    'The law of {law} applies.',
    'Governing law: {law}.',
    'This agreement is subject to the laws of {law}.',
    'Disputes are decided under the law of {law}.',
    'It shall be construed under the laws of {law}.',
  ],
  filler: [
    'Invoices are due at the end of each month.',
    'All prices are in EUR.',
    'Confidential information stays confidential.',
    'The supplier keeps the equipment insured.',
    'Changes need the written consent of both parties.',
    'Each party bears its own costs.',
  ],
} as const;

const REQUESTS = [
  'Extract the key terms of this contract: {passage}',
  'What are the parties, start, term, notice and law here? {passage}',
  'Please turn this contract passage into JSON: {passage}',
  'Legal review please: {passage}',
  '{passage} Can you pull out the key fields?',
  'Here is a contract passage. {passage}',
  'Read this and give me the terms: {passage}',
  'Contract check: {passage}',
  'Summarise the terms of this agreement as JSON. {passage}',
  'I got this from a supplier: {passage} What are the terms?',
];

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const TERMS = [6, 12, 18, 24, 36, 48, 60];
const NOTICES = [14, 30, 45, 60, 90, 120];

/** A date in one of three spellings, and its ISO form. */
function drawDate(random: SeededRandom): { text: string; iso: string } {
  const year = 2024 + random.nextInt(4);
  const month = 1 + random.nextInt(12);
  const day = 1 + random.nextInt(28);
  const iso = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const name = MONTHS[month - 1];
  const text = [`${day} ${name} ${year}`, `${name} ${day}, ${year}`, iso][random.nextInt(3)] as string;
  return { text, iso };
}

export interface ContractPassage {
  text: string;
  fields: ContractFields;
  /** the wording of every clause, in order: its template */
  template: string;
}

/** A passage: the parties first, the other clauses and a filler in a drawn order. */
export function contractPassage(world: World, split: Split, random: SeededRandom): ContractPassage {
  const pools = Object.fromEntries(Object.entries(CLAUSES).map(([kind, wordings]) => [kind, splitPool(wordings, `contract-${kind}`, world.seed)[split]])) as Record<keyof typeof CLAUSES, readonly string[]>;
  const acme = random.pick(ACME_ENTITIES);
  const other = random.pick(world.counterparties[split]);
  const parties: [string, string] = random.nextFloat() < 0.7 ? [acme, other] : [other, acme];
  const date = drawDate(random);
  const fields: ContractFields = { parties: [...parties], start: date.iso, term_months: random.pick(TERMS), notice_days: random.pick(NOTICES), law: random.pick(world.laws[split]) };
  const chosen = Object.fromEntries(Object.keys(CLAUSES).map((kind) => [kind, random.pick(pools[kind as keyof typeof CLAUSES])])) as Record<keyof typeof CLAUSES, string>;
  const rest = random.shuffled(['start', 'term', 'notice', 'law', 'filler'] as const);
  const order = ['parties' as const, ...rest];
  const values = { a: parties[0], b: parties[1], date: date.text, term: fields.term_months, notice: fields.notice_days, law: fields.law };
  return { text: order.map((kind) => fill(chosen[kind], values)).join(' '), fields, template: order.map((kind) => chosen[kind]).join(' ') };
}

/** The answer: the five fields as one JSON object. */
export function contractJson(fields: ContractFields): string {
  return JSON.stringify(fields);
}

export function contractExamples(world: World, split: Split, count: number): TaskExample[] {
  const requests = splitPool(REQUESTS, 'contract-requests', world.seed)[split];
  const random = new SeededRandom(deriveSeed(world.seed, `contracts-${split}`));
  return Array.from({ length: count }, () => {
    const passage = contractPassage(world, split, random);
    const request = random.pick(requests);
    return {
      skill: 'contracts' as const,
      split,
      template: `contracts:${request}|${passage.template}`,
      user: fill(request, { passage: passage.text }),
      reference: [answerTurn(contractJson(passage.fields))],
      expected: { skill: 'contracts' as const, fields: passage.fields },
    };
  });
}
