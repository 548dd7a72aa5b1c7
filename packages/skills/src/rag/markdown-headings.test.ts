import { describe, expect, it } from 'vitest';
import { headingPathAt, markdownHeadings } from './markdown-headings.ts';

const doc = ['# Guide', 'intro', '## Install', 'steps', '```sh', '# not a heading', '```', '### Linux ##', 'apt', '## Usage', 'run it'].join('\n');

describe('markdownHeadings', () => {
  it('finds ATX headings with their offsets, skipping fenced code and closing hashes', () => {
    const headings = markdownHeadings(doc);
    expect(headings.map((h) => [h.level, h.title])).toEqual([
      [1, 'Guide'],
      [2, 'Install'],
      [3, 'Linux'],
      [2, 'Usage'],
    ]);
    for (const heading of headings) expect(doc.slice(heading.offset)).toMatch(/^#+ /);
  });

  it('gives the enclosing section path at an offset', () => {
    const headings = markdownHeadings(doc);
    expect(headingPathAt(headings, doc.indexOf('apt'))).toEqual(['Guide', 'Install', 'Linux']);
    expect(headingPathAt(headings, doc.indexOf('run it'))).toEqual(['Guide', 'Usage']);
    expect(headingPathAt(headings, doc.indexOf('## Install'))).toEqual(['Guide', 'Install']);
    expect(headingPathAt(headings, 0)).toEqual(['Guide']);
    expect(headingPathAt(markdownHeadings('plain\ntext'), 3)).toEqual([]);
  });
});
