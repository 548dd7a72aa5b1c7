import { SeededRandom, deriveSeed } from '@plugboard/core';
import { fill, splitPool } from '../world/split.ts';
import type { Split } from '../world/split.ts';
import { COMPANY, DEPARTMENTS, OFFICES } from '../world/world.ts';
import type { World } from '../world/world.ts';
import { answerTurn } from './task-example.ts';
import type { TaskExample } from './task-example.ts';

export const GREETING_REPLY = `Hello! I am the ${COMPANY} assistant. I can help with HR policies, expense claims, IT problems and contracts.`;
export const FALLBACK_REPLY = `Sorry, I can only help with ${COMPANY} HR policies, expense claims, IT problems and contracts.`;

const GREETINGS = ['Hello!', 'Hi', 'Good morning', 'Hey there', 'Hello, who are you?', 'Hi, what can you do?', 'Good afternoon!', 'Hey, are you there?', 'Greetings', 'Hi assistant'];

/** Questions no skill answers; the base model declines them. */
const OUT_OF_SCOPE = [
  'What is the capital of {country}?',
  'Write a poem about {thing}.',
  'Who won the football match last night?',
  'How do I bake {food}?',
  'What is the weather like in {place} tomorrow?',
  'Tell me a joke about {thing}.',
  'Can you recommend a movie about {thing}?',
  'How far is the moon from {place}?',
  'Translate "{thing}" into Spanish.',
  'What is the best recipe for {food}?',
  'Who painted the most famous picture of {thing}?',
  'What time is it in {place}?',
  'Give me a workout plan for {thing}.',
  'How do I fix a flat bicycle tyre?',
  'Which stocks should I buy this year?',
  'What is the meaning of life?',
];
const FILLERS = {
  country: ['France', 'Peru', 'Norway', 'Egypt', 'Chile', 'Vietnam', 'Ghana', 'Spain'],
  thing: ['the sea', 'cats', 'autumn', 'mountains', 'dragons', 'coffee', 'the stars', 'running'],
  food: ['bread', 'a cake', 'pizza', 'pancakes', 'cookies', 'lasagna'],
  place: ['Paris', 'Cairo', 'Lima', 'Oslo', 'Hanoi', 'Accra', 'Madrid', 'Santiago'],
};

/** Greetings (answered with what the assistant does) and out-of-scope questions (declined): the base model's job. */
export function smalltalkExamples(world: World, split: Split, count: number): TaskExample[] {
  const greetings = splitPool(GREETINGS, 'greetings', world.seed)[split];
  const questions = splitPool(OUT_OF_SCOPE, 'out-of-scope', world.seed)[split];
  const fillers = Object.fromEntries(Object.entries(FILLERS).map(([k, v]) => [k, splitPool(v, `oos-${k}`, world.seed)[split]]));
  const random = new SeededRandom(deriveSeed(world.seed, `smalltalk-${split}`));
  return Array.from({ length: count }, (_, i): TaskExample => {
    if (i % 4 === 0) {
      const user = random.pick(greetings);
      return { skill: null, split, template: `greeting:${user}`, user, reference: [answerTurn(GREETING_REPLY)], expected: { skill: null } };
    }
    const question = random.pick(questions);
    const values = Object.fromEntries(Object.entries(fillers).map(([k, v]) => [k, random.pick(v)]));
    return { skill: null, split, template: `oos:${question}`, user: fill(question, values), reference: [answerTurn(FALLBACK_REPLY)], expected: { skill: null } };
  });
}

/** Questions about the company the base model learns in pretraining (training people only). */
export function companyDialogues(world: World, count: number, seed: number): { user: string; assistant: string }[] {
  const random = new SeededRandom(deriveSeed(seed, 'company-dialogues'));
  const offices = OFFICES.map((o) => o.city).join(', ');
  return Array.from({ length: count }, (_, i) => {
    switch (i % 4) {
      case 0:
        return { user: random.pick(['Which offices does Acme have?', 'Where is Acme based?', 'List the Acme offices.']), assistant: `${COMPANY} has offices in ${offices}.` };
      case 1:
        return { user: random.pick(['What departments are there?', 'Which teams does Acme have?']), assistant: `The departments are ${DEPARTMENTS.join(', ')}.` };
      case 2: {
        const office = random.pick(OFFICES);
        return { user: `Which country is the ${office.city} office in?`, assistant: `The ${office.city} office is in ${office.country}.` };
      }
      default: {
        const person = random.pick(world.people.train);
        return { user: `Where does ${person.name} work?`, assistant: `${person.name} works in ${person.department} at the ${person.city} office.` };
      }
    }
  });
}
