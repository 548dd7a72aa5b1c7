import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isPlugboardError } from '@plugboard/core';
import { DocIndex } from './doc-index.ts';
import { HashedTrigramEmbeddings } from './hashed-trigram-embeddings.ts';
import { createSearchDocsTool, searchDocs, searchDocsInputSchema } from './search-docs-tool.ts';
import { TOPIC_DOCUMENTS, writeTopicCorpus } from './topic-corpus.fixture.ts';

const resultSchema = z.object({
  query: z.string(),
  results: z.array(
    z.object({
      rank: z.number(),
      source: z.string(),
      lines: z.object({ start: z.number(), end: z.number() }),
      section: z.array(z.string()),
      cite: z.string(),
      score: z.number(),
      text: z.string(),
    }),
  ),
});

describe('search_docs tool', () => {
  let root: string;
  let index: DocIndex;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'plugboard-tool-'));
    await writeTopicCorpus(join(root, 'corpus'));
    index = await DocIndex.open({ corpusDir: join(root, 'corpus'), indexDir: join(root, 'index'), embeddings: new HashedTrigramEmbeddings(), chunkSize: 200, chunkOverlap: 40 });
    await index.sync();
  });
  afterEach(async () => {
    index.close();
    await rm(root, { recursive: true, force: true });
  });

  it('returns citable passages as JSON: source, line range, section and text', async () => {
    const searchTool = createSearchDocsTool(index);
    expect(searchTool.name).toBe('search_docs');
    const output: unknown = await searchTool.invoke({ query: 'rennet curdles milk', k: 2 });
    const parsed = resultSchema.parse(JSON.parse(String(output)));
    expect(parsed.query).toBe('rennet curdles milk');
    expect(parsed.results).toHaveLength(2);
    const [top] = parsed.results;
    expect(top).toMatchObject({ rank: 1, source: 'food/cheese.md', section: ['Cheesemaking'], cite: 'food/cheese#cheesemaking' });
    const fileLines = TOPIC_DOCUMENTS[top.source].split('\n');
    expect(fileLines.slice(top.lines.start - 1, top.lines.end).join('\n')).toContain(top.text);
  });

  it('in cited-text format gives each passage as [cite] text, in rank order', async () => {
    const json = resultSchema.parse(JSON.parse(await searchDocs(index, { query: 'rennet curdles milk', k: 2 })));
    const text = await searchDocs(index, { query: 'rennet curdles milk', k: 2 }, { format: 'cited-text' });
    expect(text).toBe(json.results.map((r) => `[${r.cite}] ${r.text.trim()}`).join('\n\n'));
    expect(text.startsWith('[food/cheese#cheesemaking] ')).toBe(true);
  });

  it('uses defaultK when k is omitted and answers a tool call with a ToolMessage', async () => {
    const searchTool = createSearchDocsTool(index, { name: 'lookup', defaultK: 3 });
    const message = await searchTool.invoke({ id: 'call-1', name: 'lookup', args: { query: 'black hole event horizon' }, type: 'tool_call' });
    expect(message.tool_call_id).toBe('call-1');
    const parsed = resultSchema.parse(JSON.parse(String(message.content)));
    expect(parsed.results).toHaveLength(3);
    expect(parsed.results[0].source).toBe('science/black-holes.md');
  });

  it('its schema rejects bad input', async () => {
    const schema = searchDocsInputSchema(10);
    expect(schema.safeParse({ query: 'bees' }).success).toBe(true);
    for (const bad of [{}, { query: 3 }, { query: '   ' }, { query: 'bees', k: 0 }, { query: 'bees', k: 11 }, { query: 'bees', k: 2.5 }, 'bees']) {
      expect(schema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    const searchTool = createSearchDocsTool(index, { maxK: 10 });
    await expect(searchTool.invoke({ query: 'bees', k: 50 })).rejects.toThrow();
  });

  it('reports bad arguments with INVALID_ARGUMENT when called directly', async () => {
    const error = await searchDocs(index, { query: '', k: 'many' }).catch((e: unknown) => e);
    expect(isPlugboardError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(/query/);
  });

  it('reports an empty index as TOOL_ERROR', async () => {
    await mkdir(join(root, 'empty'));
    const empty = await DocIndex.open({ corpusDir: join(root, 'empty'), indexDir: join(root, 'empty-index'), embeddings: new HashedTrigramEmbeddings() });
    await empty.sync();
    const error = await createSearchDocsTool(empty).invoke({ query: 'bees' }).catch((e: unknown) => e);
    expect(isPlugboardError(error, 'TOOL_ERROR')).toBe(true);
    expect((error as Error).message).toMatch(/empty/);
    empty.close();
  });

  it('wraps unexpected failures of the index as TOOL_ERROR', async () => {
    const broken = { search: () => Promise.reject(new Error('disk on fire')) };
    const error = await searchDocs(broken, { query: 'bees' }).catch((e: unknown) => e);
    expect(isPlugboardError(error, 'TOOL_ERROR')).toBe(true);
    expect((error as Error).message).toContain('disk on fire');
  });

  it('rejects inconsistent tool options', () => {
    expect(() => createSearchDocsTool(index, { defaultK: 30, maxK: 10 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
