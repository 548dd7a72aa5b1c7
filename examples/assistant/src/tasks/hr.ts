import { SeededRandom, deriveSeed } from '@plugboard/core';
import { sectionAnchor } from '@plugboard/skills';
import { fill, splitPool } from '../world/split.ts';
import type { Split } from '../world/split.ts';
import { HR_POLICIES } from '../world/world.ts';
import type { Policy, World } from '../world/world.ts';
import { OPENERS, answerTurn, toolCallTurn, toolResultTurn, withOpener } from './task-example.ts';
import type { TaskExample } from './task-example.ts';


const QUESTIONS = [
  'What is the policy on {topic}?',
  'What does the handbook say about {topic}?',
  'How does {topic} work at Acme?',
  'Can you tell me the rule for {topic}?',
  'What am I entitled to for {topic}?',
  'I would like to know about {topic}.',
  'What are the rules on {topic}?',
  'Could you explain {topic} to me?',
  'Is there a policy for {topic}?',
  'What do I get for {topic}?',
  'Please look up {topic} for me.',
  'How much {topic} is there?',
  'Tell me about {topic}.',
  'Where can I read about {topic}?',
];

/** The citation an answer about `policy` carries. */
export function policyCite(policy: Policy): string {
  return `hr-policies#${sectionAnchor(policy.title)}`;
}

export type SearchHandbook = (query: string) => Promise<string>;

/**
 * HR questions: the skill searches the handbook (search_docs with the
 * question as query), then answers with the policy's sentence and its citation.
 * The tool result is the real retriever's output, so training sees what the assistant will.
 */
export async function hrExamples(world: World, split: Split, count: number, search: SearchHandbook): Promise<TaskExample[]> {
  const questions = splitPool(QUESTIONS, 'hr-questions', world.seed)[split];
  const openers = splitPool(OPENERS, 'hr-openers', world.seed)[split];
  const random = new SeededRandom(deriveSeed(world.seed, `hr-${split}`));
  const examples: TaskExample[] = [];
  for (let i = 0; i < count; i++) {
    const policy = HR_POLICIES[i % HR_POLICIES.length] as Policy;
    const question = random.pick(questions);
    const topic = random.pick(policy.aliases);
    const person = random.pick(world.people[split]);
    const opener = random.nextFloat() < 0.3 ? `I'm ${person.name} from ${person.department}. ` : random.pick(openers);
    const user = withOpener(opener, fill(question, { topic }));
    const cite = policyCite(policy);
    const args = { query: user };
    examples.push({
      skill: 'hr',
      split,
      template: `hr:${question}`,
      user,
      reference: [toolCallTurn('search_docs', args), toolResultTurn('search_docs', await search(user)), answerTurn(`${policy.fact} [${cite}]`)],
      expected: { skill: 'hr', cite, key: policy.key },
    });
  }
  return examples;
}
