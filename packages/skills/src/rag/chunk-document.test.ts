import { describe, expect, it } from 'vitest';
import { chunkDocument } from './chunk-document.ts';
import { chunkingOptionsSchema } from './chunking-options.ts';
import { contentHash } from './content-hash.ts';

const sentence = 'Lorem ipsum dolor sit amet. ';
const markdown = ['# Title', '', 'Intro paragraph about foxes.', '', '## Section A', '', sentence.repeat(20).trim(), '', '## Section B', '', 'Closing words here.', ''].join('\n');

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

describe('chunkDocument', () => {
  it('records exact offsets, lines, hashes and indexes, even through repeated text', async () => {
    const chunks = await chunkDocument('docs/guide.md', markdown, chunkingOptionsSchema.parse({ chunkSize: 120, chunkOverlap: 30 }));
    expect(chunks.length).toBeGreaterThan(4);
    let previousStart = -1;
    chunks.forEach((chunk, i) => {
      expect(chunk.source).toBe('docs/guide.md');
      expect(chunk.chunkIndex).toBe(i);
      expect(markdown.slice(chunk.startOffset, chunk.endOffset)).toBe(chunk.text);
      expect(chunk.startLine).toBe(lineOf(markdown, chunk.startOffset));
      expect(chunk.endLine).toBe(lineOf(markdown, chunk.endOffset - 1));
      expect(chunk.contentHash).toBe(contentHash(chunk.text));
      expect(chunk.startOffset).toBeGreaterThan(previousStart);
      previousStart = chunk.startOffset;
    });
    // Consecutive chunks of the repeated paragraph overlap by at most chunkOverlap characters.
    for (let i = 1; i < chunks.length; i++) expect(chunks[i - 1].endOffset - chunks[i].startOffset).toBeLessThanOrEqual(30);
    const covered = chunks.map((chunk) => chunk.text).join(' ');
    expect(covered).toContain('Closing words here.');
  });

  it('splits markdown at headings and records the section path', async () => {
    const chunks = await chunkDocument('guide.md', markdown, chunkingOptionsSchema.parse({ chunkSize: 200, chunkOverlap: 0 }));
    const closing = chunks.find((chunk) => chunk.text.includes('Closing words'));
    expect(closing?.text.startsWith('## Section B')).toBe(true);
    expect(closing?.headingPath).toEqual(['Title', 'Section B']);
    const lorem = chunks.find((chunk) => chunk.text.startsWith('Lorem'));
    expect(lorem?.headingPath).toEqual(['Title', 'Section A']);
    expect(chunks[0].headingPath).toEqual(['Title']);
  });

  it('leaves the heading path empty for plain text', async () => {
    const chunks = await chunkDocument('notes.txt', '# not markdown here\n\nsome text', chunkingOptionsSchema.parse({}));
    expect(chunks).toHaveLength(1);
    expect(chunks[0].headingPath).toEqual([]);
    expect(chunks[0].startLine).toBe(1);
    expect(chunks[0].endLine).toBe(3);
  });

  it('gives an empty file no chunks', async () => {
    expect(await chunkDocument('empty.md', '', chunkingOptionsSchema.parse({}))).toEqual([]);
  });

  it('rejects an overlap that is not smaller than the chunk size', () => {
    expect(chunkingOptionsSchema.safeParse({ chunkSize: 100, chunkOverlap: 100 }).success).toBe(false);
  });
});
