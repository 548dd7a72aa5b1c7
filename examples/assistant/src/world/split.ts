import { SeededRandom, deriveSeed } from '@plugboard/core';

export type Split = 'train' | 'test';

/** A pool cut once into a training part and a held-out part: a test example draws only from `test`. */
export interface SplitPool<T> {
  train: readonly T[];
  test: readonly T[];
}

/**
 * Cuts `items` into train/test by a seeded shuffle; the held-out part gets
 * `testFraction` of them (at least one). The same (label, seed) always gives
 * the same cut, so regenerating the world never moves an item across.
 */
export function splitPool<T>(items: readonly T[], label: string, seed: number, testFraction = 0.3): SplitPool<T> {
  if (items.length < 2) throw new Error(`pool "${label}" needs at least two items to hold one out`);
  const shuffled = new SeededRandom(deriveSeed(seed, `split:${label}`)).shuffled(items);
  const held = Math.max(1, Math.round(items.length * testFraction));
  return { test: shuffled.slice(0, held), train: shuffled.slice(held) };
}

/** Fills `{slot}` placeholders; a missing slot is a bug in the generator, so it throws. */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template "${template}" needs slot {${key}}`);
    return String(value);
  });
}
