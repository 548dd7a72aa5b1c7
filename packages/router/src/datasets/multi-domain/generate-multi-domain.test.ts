import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../routing/linear/normalize-text.ts';
import { generateMultiDomainDataset } from './generate-multi-domain.ts';
import { IN_SCOPE_FAMILIES } from './in-scope-families.ts';
import { TEST_ONLY_OUT_OF_SCOPE } from './out-of-scope-families.ts';

describe('generateMultiDomainDataset', () => {
  const dataset = generateMultiDomainDataset({ seed: 1 });

  it('is deterministic per seed and varies across seeds', () => {
    expect(generateMultiDomainDataset({ seed: 1 })).toEqual(dataset);
    expect(generateMultiDomainDataset({ seed: 2 }).routes[0].examples).not.toEqual(dataset.routes[0].examples);
  });

  it('has at least 8 routes with the requested sizes and out-of-scope texts in both splits', () => {
    expect(dataset.routes.length).toBeGreaterThanOrEqual(8);
    for (const route of dataset.routes) expect(route.examples).toHaveLength(60);
    expect(dataset.test.filter((e) => e.label !== null)).toHaveLength(dataset.routes.length * 40);
    expect(dataset.test.filter((e) => e.label === null)).toHaveLength(200);
    expect(dataset.outOfScope).toHaveLength(120);
  });

  it('never puts the same (normalized) text in training and test', () => {
    const train = new Set([...dataset.routes.flatMap((r) => r.examples), ...dataset.outOfScope].map(normalizeText));
    const leaked = dataset.test.filter((e) => train.has(normalizeText(e.text)));
    // a few test templates are instances of a more general training template of their route ("translate {phrase} into …")
    expect(leaked.length).toBeLessThan(0.02 * dataset.test.filter((e) => e.label !== null).length);
  });

  it('holds out whole templates: no in-scope test text fits a training template of its route', () => {
    // a training template as a pattern over normalized text ({slot} = anything); typos only make matches rarer
    const patterns = new Map(
      IN_SCOPE_FAMILIES.map((family) => {
        const escaped = (t: string) => normalizeText(t.replace(/\{\w+\}/g, 'SLOT')).replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/slot/g, '.+');
        return [family.name, family.templates.map((t) => new RegExp(`^(?:.* )?${escaped(t)}(?: .*)?$`))];
      }),
    );
    const trainTemplates = (route: string) => (patterns.get(route) ?? []).filter((pattern) => dataset.routes.find((r) => r.name === route)?.examples.some((e) => pattern.test(normalizeText(e))));
    const leaked = dataset.test.filter((e) => e.label !== null && trainTemplates(e.label).some((pattern) => pattern.test(normalizeText(e.text))));
    // a few test templates are instances of a more general training template of their route ("translate {phrase} into …")
    expect(leaked.length).toBeLessThan(0.02 * dataset.test.filter((e) => e.label !== null).length);
    // and the same generator with nothing held out does share them (the check can fail)
    const shared = generateMultiDomainDataset({ seed: 1, heldOutTemplates: 0 });
    const sharedLeaks = shared.test.filter((e) => e.label !== null && (patterns.get(e.label) ?? []).some((pattern) => pattern.test(normalizeText(e.text))));
    expect(sharedLeaks.length).toBeGreaterThan(100);
  });

  it('keeps the test-only out-of-scope domains out of calibration', () => {
    // "relationships" texts mention these words; none may appear among calibration texts.
    expect(TEST_ONLY_OUT_OF_SCOPE).toContain('relationships');
    expect(dataset.outOfScope.some((t) => /girlfriend|boyfriend|apologize/.test(t))).toBe(false);
    expect(dataset.test.some((e) => e.label === null && /girlfriend|boyfriend|apologize|ask someone out|long distance/.test(e.text))).toBe(true);
  });
});
