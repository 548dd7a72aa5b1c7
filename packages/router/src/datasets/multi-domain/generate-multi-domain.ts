import { z } from 'zod';
import type { LabeledText, Route } from '../../routing/route.ts';
import { SeededRandom } from '@plugboard/core';
import { drawTexts } from '../template-filler.ts';
import { splitFamily, splitSlots } from '../template-split.ts';
import { IN_SCOPE_FAMILIES } from './in-scope-families.ts';
import { OUT_OF_SCOPE_FAMILIES, TEST_ONLY_OUT_OF_SCOPE } from './out-of-scope-families.ts';
import { SHARED_SLOTS } from './shared-slots.ts';

export const MultiDomainOptionsSchema = z.object({
  seed: z.number().int().default(1),
  trainPerRoute: z.number().int().positive().default(60),
  testPerRoute: z.number().int().positive().default(40),
  /** Out-of-scope texts for calibration (from the domains not reserved for testing). */
  outOfScopeForCalibration: z.number().int().min(0).default(120),
  outOfScopeForTest: z.number().int().min(0).default(200),
  /** Share of every family's templates and slot values that only the test split uses. */
  heldOutTemplates: z.number().min(0).max(0.9).default(0.3),
});
export type MultiDomainOptions = z.infer<typeof MultiDomainOptionsSchema>;

export interface MultiDomainDataset {
  /** Training routes (their examples are what a router fits and calibrates on). */
  routes: Route[];
  /** Out-of-scope texts for fitting the threshold; never in the test split. */
  outOfScope: string[];
  /** Held-out labeled texts: in-scope (distinct from training texts) and out-of-scope (label null). */
  test: LabeledText[];
}

/**
 * A labeled multi-domain routing set (10 routes), composed from templates × slot fillers
 * with greetings, sign-offs and typos. The test split holds out whole templates and slot
 * values (`heldOutTemplates`, 30%): no test text shares its template or its fillers with
 * a training or calibration text. Test out-of-scope texts also include three domains that
 * calibration never sees. Same seed, same dataset.
 */
export function generateMultiDomainDataset(input: Partial<MultiDomainOptions> = {}): MultiDomainDataset {
  const options = MultiDomainOptionsSchema.parse(input);
  const random = new SeededRandom(options.seed);
  const fraction = options.heldOutTemplates;
  const shared = splitSlots(SHARED_SLOTS, fraction, random);
  const routes: Route[] = [];
  const test: LabeledText[] = [];
  for (const family of IN_SCOPE_FAMILIES) {
    const split = splitFamily(family, fraction, random);
    routes.push({ name: family.name, examples: drawTexts(split.train, options.trainPerRoute, random, shared.train) });
    for (const text of drawTexts(split.test, options.testPerRoute, random, shared.test)) test.push({ text, label: family.name });
  }

  const testOnly = new Set<string>(TEST_ONLY_OUT_OF_SCOPE);
  const calibrationFamilies = OUT_OF_SCOPE_FAMILIES.filter((f) => !testOnly.has(f.name));
  const perCalibrationFamily = Math.ceil(options.outOfScopeForCalibration / calibrationFamilies.length);
  const perTestFamily = Math.ceil(options.outOfScopeForTest / OUT_OF_SCOPE_FAMILIES.length);
  const outOfScope: string[] = [];
  const oosTest: string[] = [];
  for (const family of OUT_OF_SCOPE_FAMILIES) {
    const split = splitFamily(family, fraction, random);
    if (!testOnly.has(family.name)) outOfScope.push(...drawTexts(split.train, perCalibrationFamily, random, shared.train));
    oosTest.push(...drawTexts(split.test, perTestFamily, random, shared.test));
  }
  const shuffledOos = random.shuffled(outOfScope).slice(0, options.outOfScopeForCalibration);
  for (const text of random.shuffled(oosTest).slice(0, options.outOfScopeForTest)) test.push({ text, label: null });
  return { routes, outOfScope: shuffledOos, test };
}
