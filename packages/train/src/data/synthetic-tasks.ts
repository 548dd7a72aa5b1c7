import { SeededRandom } from '@plugboard/core';
import type { PromptCompletionExample } from './example-schema.ts';
import type { TokenizedExample } from './tokenize-example.ts';

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const ANSWERS = ['red', 'blue', 'green', 'gold', 'gray', 'pink', 'teal', 'lime'];

/**
 * A task no base model can know: random 3-character codes mapped to answers
 * by a seeded table ("code: X7Q ->" → " teal"). The answer depends on the
 * code's first character only, so held-out codes (never seen whole) are
 * answerable by a model that learned the table from the training codes.
 */
export function codeMappingExamples(count: number, seed: number): PromptCompletionExample[] {
  const random = new SeededRandom(seed);
  const table = new Map<string, string>();
  for (const char of CODE_ALPHABET) table.set(char, ANSWERS[random.nextInt(ANSWERS.length)] as string);
  const seen = new Set<string>();
  const examples: PromptCompletionExample[] = [];
  while (examples.length < count) {
    const code = Array.from({ length: 3 }, () => CODE_ALPHABET[random.nextInt(CODE_ALPHABET.length)]).join('');
    if (seen.has(code)) continue;
    seen.add(code);
    examples.push({ prompt: `code: ${code} ->`, completion: ` ${table.get(code[0] as string)}` });
  }
  return examples;
}

const SUBJECTS = ['the cat', 'a dog', 'my friend', 'the old man', 'a small bird', 'the teacher'];
const VERBS = ['sees', 'likes', 'finds', 'follows', 'watches', 'helps'];
const OBJECTS = ['the ball', 'a red box', 'the river', 'some bread', 'the garden', 'a green tree'];
const ENDINGS = ['today.', 'at night.', 'in the park.', 'every day.', 'again.'];

/** A seeded corpus from a small template grammar: structured text a tiny model can learn well below its unigram entropy. */
export function templateCorpus(sentences: number, seed: number): string[] {
  const random = new SeededRandom(seed);
  const pick = (list: readonly string[]) => list[random.nextInt(list.length)] as string;
  return Array.from({ length: sentences }, () => `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)} ${pick(ENDINGS)}`);
}

/** Entropy in nats of the token frequency distribution: the loss of the best context-free (unigram) model. */
export function unigramEntropy(tokens: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / tokens.length;
    entropy -= p * Math.log(p);
  }
  return entropy;
}

export interface InductionTaskOptions {
  /** symbols per sequence, drawn per example: a varying length leaves no fixed offset to copy from, only content */
  minLength: number;
  maxLength: number;
  /** distinct symbols: token ids firstSymbol … firstSymbol + symbols − 1 */
  symbols: number;
  firstSymbol: number;
  /** the token between the two halves */
  separator: number;
}

/**
 * The classic induction task as token ids: a random sequence, a separator,
 * then the same sequence again, learned on the second half only. Nothing but
 * copying from context predicts it (chance loss is ln(symbols)), so a model
 * that learns it has formed induction heads: what a small model needs before
 * it can copy names and values from a prompt into an answer.
 */
export function inductionExamples(count: number, seed: number, options: InductionTaskOptions): TokenizedExample[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => {
    const length = options.minLength + random.nextInt(options.maxLength - options.minLength + 1);
    const sequence = Array.from({ length }, () => options.firstSymbol + random.nextInt(options.symbols));
    return {
      tokens: [...sequence, options.separator, ...sequence],
      weights: [...sequence.map(() => 0), 0, ...sequence.map(() => 1)],
    };
  });
}
