import type { LabeledText, Route } from '../route.ts';
import { SeededRandom } from '@plugboard/core';

/**
 * Holds out `fraction` of each route's examples (seeded shuffle; at least one when a
 * route has two or more, and never all of them), for calibration.
 */
export function holdOutExamples(
  routes: readonly Route[],
  fraction: number,
  seed: number,
): { train: Route[]; heldOut: LabeledText[] } {
  const random = new SeededRandom(seed);
  const train: Route[] = [];
  const heldOut: LabeledText[] = [];
  for (const route of routes) {
    const shuffled = random.shuffled(route.examples);
    const count = shuffled.length < 2 ? 0 : Math.min(shuffled.length - 1, Math.max(1, Math.round(fraction * shuffled.length)));
    for (const text of shuffled.slice(0, count)) heldOut.push({ text, label: route.name });
    train.push({ ...route, examples: shuffled.slice(count) });
  }
  return { train, heldOut };
}
