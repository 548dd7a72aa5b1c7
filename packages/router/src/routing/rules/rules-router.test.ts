import { describe, expect, it } from 'vitest';
import { isPlugboardError } from '@plugboard/core';
import { RulesRouter } from './rules-router.ts';

const routes = [
  { name: 'pets', examples: [], keywords: ['cat', 'guinea pig'] },
  { name: 'code', examples: [], keywords: ['c++', 'python'] },
  { name: 'billing', examples: [] },
];

describe('RulesRouter', () => {
  it('matches keywords as whole words, case-insensitively, including multi-word and symbol keywords', async () => {
    const router = new RulesRouter();
    await router.fit(routes);
    expect(router.route('My CAT is sick').route).toBe('pets');
    expect(router.route('feeding a guinea   pig').route).toBe('pets');
    expect(router.route('help with C++ templates').route).toBe('code');
    expect(router.route('how to concatenate strings').route).toBeNull();
    expect(router.route('pythonic code').route).toBeNull();
  });

  it('gives confidence 1 on a match and a null route with confidence 0 otherwise', async () => {
    const router = new RulesRouter();
    await router.fit(routes);
    expect(router.route('cat food')).toEqual({ route: 'pets', confidence: 1, scores: { pets: 1, code: 0, billing: 0 }, strategy: 'rules' });
    expect(router.route('nothing here')).toEqual({ route: null, confidence: 0, scores: { pets: 0, code: 0, billing: 0 }, strategy: 'rules' });
  });

  it('supports regexes, predicates and priority overrides (including an override to the base model)', async () => {
    const router = new RulesRouter([
      { route: 'billing', pattern: /\binvoice\s*#?\d+/gi },
      { route: 'billing', test: (text) => text.includes('$') },
      { route: null, priority: 10, keywords: ['emergency'] },
      { route: 'code', priority: 5, keywords: ['stack trace'] },
    ]);
    await router.fit(routes);
    // The global flag must not make repeated matches alternate.
    expect(router.route('where is invoice #42').route).toBe('billing');
    expect(router.route('where is invoice #42').route).toBe('billing');
    expect(router.route('I paid $5').route).toBe('billing');
    expect(router.route('python stack trace for my cat app').route).toBe('code');
    const override = router.route('emergency: my cat swallowed python code');
    expect(override.route).toBeNull();
    expect(override.confidence).toBe(1);
    expect(override.scores.pets).toBe(1);
  });

  it('rejects a rule for an unknown route and routing before fit', async () => {
    const router = new RulesRouter([{ route: 'nope', keywords: ['x'] }]);
    await expect(router.fit(routes)).rejects.toSatisfy((e: unknown) => isPlugboardError(e, 'INVALID_ARGUMENT'));
    expect(() => new RulesRouter().route('x')).toThrow(expect.objectContaining({ code: 'ROUTER_NOT_FITTED' }));
  });

  it('rejects duplicate route names', async () => {
    await expect(new RulesRouter().fit([...routes, { name: 'pets', examples: [] }])).rejects.toSatisfy((e: unknown) => isPlugboardError(e, 'INVALID_ARGUMENT'));
  });

  it('refuses blank keywords and empty keyword lists instead of matching every text', async () => {
    const invalid = (e: unknown) => isPlugboardError(e, 'INVALID_ARGUMENT');
    await expect(new RulesRouter().fit([{ name: 'pets', examples: [], keywords: ['cat', '   '] }])).rejects.toSatisfy(invalid);
    await expect(new RulesRouter([{ route: 'pets', keywords: [] }]).fit(routes)).rejects.toSatisfy(invalid);
    await expect(new RulesRouter([{ route: 'pets', keywords: ['\t'] }]).fit(routes)).rejects.toSatisfy(invalid);
  });

  it('never matches the empty string or a text without its keywords', async () => {
    const router = new RulesRouter([{ route: 'code', keywords: [' c++ ', 'stack  trace'] }]);
    await router.fit(routes);
    expect(router.route('').route).toBeNull();
    expect(router.route('   ').route).toBeNull();
    expect(router.route('an unrelated sentence').route).toBeNull();
    expect(router.route('a STACK trace in c++').route).toBe('code');
  });
});
