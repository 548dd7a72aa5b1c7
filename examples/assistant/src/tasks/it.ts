import { SeededRandom, deriveSeed } from '@plugboard/core';
import { toolResults, ticketNumber } from '../tools.ts';
import { FAULT_TEMPLATES, PASSWORD_TEMPLATES, SYSTEM_NAMES } from '../world/faults.ts';
import { fill, splitPool } from '../world/split.ts';
import type { Split } from '../world/split.ts';
import { ACCOUNT_SYSTEMS, IT_SYSTEMS, SEVERITIES } from '../world/world.ts';
import type { World } from '../world/world.ts';
import { OPENERS, answerTurn, toolCallTurn, toolResultTurn, withOpener } from './task-example.ts';
import type { TaskExample } from './task-example.ts';

const capitalized = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/**
 * IT troubleshooting: a locked account ends in reset_password{user, system},
 * a fault in create_ticket{system, severity, summary} with the severity the
 * handbook's rule gives; the skill then confirms what it did.
 */
export function itExamples(world: World, split: Split, count: number): TaskExample[] {
  const passwords = splitPool(PASSWORD_TEMPLATES, 'it-passwords', world.seed)[split];
  const faults = Object.fromEntries(SEVERITIES.map((s) => [s, splitPool(FAULT_TEMPLATES[s], `it-faults-${s}`, world.seed)[split]]));
  const openers = splitPool(OPENERS, 'it-openers', world.seed)[split];
  const random = new SeededRandom(deriveSeed(world.seed, `it-${split}`));
  return Array.from({ length: count }, (_, i): TaskExample => {
    const person = random.pick(world.people[split]);
    if (i % 3 === 0) {
      const system = random.pick(ACCOUNT_SYSTEMS);
      const template = random.pick(passwords);
      const user = `${random.pick([`This is ${person.name}. `, `${person.name} here. `, `Hi, it's ${person.name}. `])}${fill(template, { system: random.pick(SYSTEM_NAMES[system]) })}`;
      const args = { user: person.name, system };
      return {
        skill: 'it',
        split,
        template: `it:${template}`,
        user,
        reference: [toolCallTurn('reset_password', args), toolResultTurn('reset_password', toolResults.reset_password(args)), answerTurn(`I sent a password reset link for ${system} to the email on record for ${person.name}.`)],
        expected: { skill: 'it', call: { name: 'reset_password', args } },
      };
    }
    const system = random.pick(IT_SYSTEMS);
    const severity = random.pick(SEVERITIES);
    const template = random.pick(faults[severity] ?? []);
    const summary = capitalized(fill(template, { system: random.pick(SYSTEM_NAMES[system]), city: person.city, department: person.department }));
    const user = withOpener(random.pick(openers), summary);
    const args = { system, severity, summary };
    return {
      skill: 'it',
      split,
      template: `it:${template}`,
      user,
      reference: [toolCallTurn('create_ticket', args), toolResultTurn('create_ticket', toolResults.create_ticket(args)), answerTurn(`I opened ticket ${ticketNumber(args)} for ${system} with ${severity} severity. IT will contact you.`)],
      expected: { skill: 'it', call: { name: 'create_ticket', args: { system, severity } } },
    };
  });
}
