import { join } from 'node:path';

/** Where the assistant's parts live: what ships in the repo, and what a build or a run writes under the cache. */
export const ASSISTANT_DIR = join(import.meta.dirname, '..');

export const SHIPPED = {
  model: join(ASSISTANT_DIR, 'model'),
  skills: join(ASSISTANT_DIR, 'skills'),
  router: join(ASSISTANT_DIR, 'router.json'),
  handbook: join(ASSISTANT_DIR, 'handbook'),
  testSets: join(ASSISTANT_DIR, 'eval'),
  report: join(ASSISTANT_DIR, 'report'),
} as const;

/** The build's work folder (generated data, tokenizer, checkpoints): never shipped. */
export const BUILD_DIR = join(ASSISTANT_DIR, '..', '..', '.cache', 'assistant-build');
/** The handbook's search index, rebuilt from the shipped handbook on first use. */
export const INDEX_DIR = join(ASSISTANT_DIR, '..', '..', '.cache', 'assistant-index');

export const WORLD_SEED = 7;

/** The agent's own system message: first in every prompt, before the tools. */
export const AGENT_SYSTEM_PROMPT = 'You are the Acme assistant.';

/** Each skill's instructions, added where the skill takes over. */
export const SKILL_PROMPTS: Record<'hr' | 'finance' | 'it' | 'contracts', string> = {
  hr: 'Answer from the handbook and cite the section.',
  finance: 'Check the claim with expense_policy, then give a JSON verdict.',
  it: 'Fix the problem with the right IT tool.',
  contracts: 'Extract the contract terms as JSON.',
};
