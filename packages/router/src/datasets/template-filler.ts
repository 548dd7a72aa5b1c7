import { PlugboardError } from '@plugboard/core';
import { normalizeText } from '../routing/linear/normalize-text.ts';
import type { SeededRandom } from '@plugboard/core';

/** A family of texts: templates with `{slot}` holes and the fillers for each slot. */
export interface TemplateFamily {
  name: string;
  templates: readonly string[];
  slots: Readonly<Record<string, readonly string[]>>;
}

/** Fills every `{slot}` of a template with a random filler. */
export function fillTemplate(template: string, slots: Readonly<Record<string, readonly string[]>>, random: SeededRandom): string {
  return template.replace(/\{(\w+)\}/g, (_, slot: string) => {
    const fillers = slots[slot];
    if (fillers === undefined || fillers.length === 0) {
      throw new PlugboardError('INVALID_ARGUMENT', `Template "${template}" uses slot {${slot}}, which has no fillers.`);
    }
    return random.pick(fillers);
  });
}

const OPENERS = ['', '', '', '', '', 'hey, ', 'hi! ', 'please ', 'quick question: ', 'ok so ', 'hello, ', 'um, '];
const CLOSERS = ['', '', '', '', '', ' please', ' thanks', '?', ' thx', '!', ' asap', ' if you can'];

/** Adds the small variations real users type: greetings, sign-offs, and now and then a typo. */
export function varyPhrasing(text: string, random: SeededRandom, typoRate = 0.12): string {
  let out = `${random.pick(OPENERS)}${text}${random.pick(CLOSERS)}`;
  if (random.next() < typoRate) out = swapLetters(out, random);
  return random.next() < 0.3 ? out.charAt(0).toUpperCase() + out.slice(1) : out;
}

/** Swaps two adjacent letters inside one word of four or more letters. */
function swapLetters(text: string, random: SeededRandom): string {
  const candidates = [...text.matchAll(/\p{L}{4,}/gu)];
  if (candidates.length === 0) return text;
  const match = random.pick(candidates);
  const at = (match.index ?? 0) + 1 + random.nextInt(match[0].length - 2);
  return text.slice(0, at) + text.charAt(at + 1) + text.charAt(at) + text.slice(at + 2);
}

/**
 * Draws up to `count` varied texts from a family, distinct after normalization (so no
 * text can land in both a train and a test split). Stops early when the family cannot
 * produce that many.
 */
export function drawTexts(family: TemplateFamily, count: number, random: SeededRandom, shared: Readonly<Record<string, readonly string[]>> = {}): string[] {
  const slots = { ...shared, ...family.slots };
  const seen = new Map<string, string>();
  for (let attempt = 0; seen.size < count && attempt < count * 50; attempt++) {
    const text = varyPhrasing(fillTemplate(random.pick(family.templates), slots, random), random);
    const key = normalizeText(text);
    if (!seen.has(key)) seen.set(key, text);
  }
  return [...seen.values()];
}
