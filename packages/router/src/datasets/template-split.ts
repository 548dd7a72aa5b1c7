import type { SeededRandom } from '@plugboard/core';
import type { TemplateFamily } from './template-filler.ts';

type Slots = Readonly<Record<string, readonly string[]>>;

/** A family's templates and fillers split in two: what a router may see, and what only its test uses. */
export interface FamilySplit {
  train: TemplateFamily;
  test: TemplateFamily;
}

/**
 * `fraction` of the items (seeded shuffle) go to the test side: at least one when there
 * are two or more, never all of them. A list of one (or a fraction of 0) stays on both sides.
 */
export function splitList<T>(items: readonly T[], fraction: number, random: SeededRandom): { train: T[]; test: T[] } {
  if (fraction === 0 || items.length < 2) return { train: [...items], test: [...items] };
  const shuffled = random.shuffled(items);
  const count = Math.min(items.length - 1, Math.max(1, Math.round(fraction * items.length)));
  return { train: shuffled.slice(count), test: shuffled.slice(0, count) };
}

/** Splits every slot's fillers (e.g. the shared city list) once, so train and test never share a value. */
export function splitSlots(slots: Slots, fraction: number, random: SeededRandom): { train: Slots; test: Slots } {
  const train: Record<string, readonly string[]> = {};
  const test: Record<string, readonly string[]> = {};
  for (const [name, fillers] of Object.entries(slots)) {
    const split = splitList(fillers, fraction, random);
    train[name] = split.train;
    test[name] = split.test;
  }
  return { train, test };
}

/**
 * Holds out whole templates and slot values: a test text is made from a template the
 * training side never has, filled with values it never sees, so a router is measured on
 * new phrasings rather than on templates it memorized.
 */
export function splitFamily(family: TemplateFamily, fraction: number, random: SeededRandom): FamilySplit {
  const templates = splitList(family.templates, fraction, random);
  const slots = splitSlots(family.slots, fraction, random);
  return {
    train: { name: family.name, templates: templates.train, slots: slots.train },
    test: { name: family.name, templates: templates.test, slots: slots.test },
  };
}
