import { z } from 'zod';
import type { LabeledText, Route } from '../routing/route.ts';
import { SeededRandom } from '@plugboard/core';

export const SyntheticRoutesOptionsSchema = z.object({
  routes: z.number().int().positive().default(150),
  examplesPerRoute: z.number().int().positive().default(100),
  /** Extra examples per route returned as held-out queries. */
  queriesPerRoute: z.number().int().min(0).default(15),
  /** Words of each route's own vocabulary. */
  vocabularyPerRoute: z.number().int().positive().default(30),
  /** Words every route draws from (function-word-like noise). */
  sharedVocabulary: z.number().int().positive().default(300),
  /** Chance that a word of an example comes from the route's own vocabulary. */
  topicality: z.number().min(0).max(1).default(0.5),
  seed: z.number().int().default(7),
});
export type SyntheticRoutesOptions = z.infer<typeof SyntheticRoutesOptionsSchema>;

const SYLLABLES = ['ka', 'lo', 'mi', 'ter', 'sun', 'vra', 'pel', 'dor', 'quin', 'zu', 'ba', 'nex', 'ri', 'tol', 'fa', 'gim', 'ost', 'ule', 'cha', 'wen'];

function pseudoWord(random: SeededRandom): string {
  const syllables = 2 + random.nextInt(3);
  let word = '';
  for (let i = 0; i < syllables; i++) word += random.pick(SYLLABLES);
  return word;
}

/**
 * Many routes with random vocabularies, for benchmarking fit and routing speed at scale.
 * Each route also borrows a few words from a neighbour, so routes overlap a little.
 */
export function generateSyntheticRoutes(input: Partial<SyntheticRoutesOptions> = {}): { routes: Route[]; queries: LabeledText[] } {
  const options = SyntheticRoutesOptionsSchema.parse(input);
  const random = new SeededRandom(options.seed);
  const shared = Array.from({ length: options.sharedVocabulary }, () => pseudoWord(random));
  const vocabularies = Array.from({ length: options.routes }, () => Array.from({ length: options.vocabularyPerRoute }, () => pseudoWord(random)));
  const routes: Route[] = [];
  const queries: LabeledText[] = [];
  vocabularies.forEach((own, index) => {
    const neighbour = vocabularies[(index + 1) % vocabularies.length].slice(0, 5);
    const topical = [...own, ...neighbour];
    const sentence = (): string => {
      const length = 4 + random.nextInt(9);
      const tokens: string[] = [];
      for (let i = 0; i < length; i++) tokens.push(random.next() < options.topicality ? random.pick(topical) : random.pick(shared));
      return tokens.join(' ');
    };
    const name = `route_${String(index).padStart(3, '0')}`;
    routes.push({ name, examples: Array.from({ length: options.examplesPerRoute }, sentence) });
    for (let i = 0; i < options.queriesPerRoute; i++) queries.push({ text: sentence(), label: name });
  });
  return { routes, queries };
}
