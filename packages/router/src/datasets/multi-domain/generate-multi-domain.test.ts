import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../routing/linear/normalize-text.ts';
import { generateMultiDomainDataset } from './generate-multi-domain.ts';
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
    expect(leaked).toEqual([]);
  });

  it('keeps the test-only out-of-scope domains out of calibration', () => {
    // "relationships" texts mention these words; none may appear among calibration texts.
    expect(TEST_ONLY_OUT_OF_SCOPE).toContain('relationships');
    expect(dataset.outOfScope.some((t) => /girlfriend|boyfriend|apologize/.test(t))).toBe(false);
    expect(dataset.test.some((e) => e.label === null && /girlfriend|boyfriend|apologize|ask someone out|long distance/.test(e.text))).toBe(true);
  });
});
