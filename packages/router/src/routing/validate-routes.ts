import { PlugboardError } from '@plugboard/core';
import { RoutesSchema, type Route } from './route.ts';

/** Checks routes handed to `fit`: valid shape, unique names, and examples where the strategy learns from them. */
export function validateRoutes(routes: readonly Route[], options: { requireExamples: boolean }): void {
  const parsed = RoutesSchema.safeParse(routes);
  if (!parsed.success) {
    throw new PlugboardError('INVALID_ARGUMENT', `Routes are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  }
  const seen = new Set<string>();
  for (const route of routes) {
    if (seen.has(route.name)) throw new PlugboardError('INVALID_ARGUMENT', `Route "${route.name}" appears twice; route names must be unique.`);
    seen.add(route.name);
    if (options.requireExamples && route.examples.length === 0) {
      throw new PlugboardError('INVALID_ARGUMENT', `Route "${route.name}" has no examples; this strategy learns from examples, so give it some.`);
    }
  }
}
