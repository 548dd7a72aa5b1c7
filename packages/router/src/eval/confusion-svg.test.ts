import { describe, expect, it } from 'vitest';
import { confusionMatrixSvg } from './confusion-svg.ts';

describe('confusionMatrixSvg', () => {
  it('draws one cell per pair with counts and escaped labels', () => {
    const svg = confusionMatrixSvg({ labels: ['a<b', 'c', '(none)'], matrix: [[3, 1, 0], [0, 2, 0], [1, 0, 4]] });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<rect /g)).toHaveLength(9);
    expect(svg).toContain('a&lt;b');
    expect(svg).not.toContain('a<b');
    expect(svg).toContain('>4</text>');
    // The full-row diagonal cell (2 of 2) is the darkest colour.
    expect(svg).toContain('fill="rgb(33,102,172)"');
  });
});
