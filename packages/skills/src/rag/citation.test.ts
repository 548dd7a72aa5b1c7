import { describe, expect, it } from 'vitest';
import { citationOf, sectionAnchor } from './citation.ts';

describe('citations', () => {
  it('anchors headings as GitHub does', () => {
    expect(sectionAnchor('Parental leave')).toBe('parental-leave');
    expect(sectionAnchor("  Caps by city & grade (EUR) ")).toBe('caps-by-city--grade-eur');
    expect(sectionAnchor('Überstunden 2026')).toBe('überstunden-2026');
  });

  it('cites the file without its extension and the innermost section', () => {
    expect(citationOf('hr-policies.md', ['HR policies', 'Sick leave'])).toBe('hr-policies#sick-leave');
    expect(citationOf('notes/plain.txt', [])).toBe('notes/plain');
  });
});
