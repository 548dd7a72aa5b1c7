import { describe, expect, it } from 'vitest';
import { generateSyntheticRoutes } from './synthetic-routes.ts';

describe('generateSyntheticRoutes', () => {
  it('makes the requested routes, examples and held-out queries, deterministically', () => {
    const a = generateSyntheticRoutes({ routes: 12, examplesPerRoute: 20, queriesPerRoute: 5, seed: 3 });
    expect(a.routes).toHaveLength(12);
    expect(new Set(a.routes.map((r) => r.name)).size).toBe(12);
    for (const route of a.routes) expect(route.examples).toHaveLength(20);
    expect(a.queries).toHaveLength(60);
    expect(generateSyntheticRoutes({ routes: 12, examplesPerRoute: 20, queriesPerRoute: 5, seed: 3 })).toEqual(a);
    expect(generateSyntheticRoutes({ routes: 12, examplesPerRoute: 20, queriesPerRoute: 5, seed: 4 })).not.toEqual(a);
  });
});
