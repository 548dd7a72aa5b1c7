import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TINY_SHAPES, ensureFixtureModel } from '@plugboard/core/testing';
import { runCliInProcess } from '../testing/run-cli.ts';

/** `plugboard ...args` in-process (LanceDB's native log kept to errors). */
const plugboard = (...args: string[]) => runCliInProcess(args, { env: { LANCEDB_LOG: 'error' } });

const hitsSchema = z.array(
  z.object({
    source: z.string(),
    position: z.object({ startLine: z.number(), endLine: z.number() }),
    scores: z.object({ fused: z.number(), ranks: z.object({ vectorRank: z.number().nullable(), fullTextRank: z.number().nullable() }) }),
  }),
);
const reportSchema = z.object({ added: z.array(z.string()), skipped: z.array(z.object({ path: z.string(), reason: z.string() })), chunks: z.number(), stamp: z.object({ version: z.number(), embedderId: z.string(), dimension: z.number() }) });

describe('plugboard rag', () => {
  let root: string;
  let docs: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'plugboard-cli-rag-'));
    docs = join(root, 'docs');
    await mkdir(join(docs, 'food'), { recursive: true });
    await writeFile(join(docs, 'food/cheese.md'), '# Cheesemaking\n\nRennet curdles milk into curds and whey.\n');
    await writeFile(join(docs, 'space.txt'), 'Black holes\n\nNothing escapes the event horizon.\n');
    await writeFile(join(docs, 'photo.md'), Buffer.from([0xff, 0xd8, 0x00, 0x10]));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('indexes a folder (skipping a binary file) and searches it, showing sources, lines and both ranks', async () => {
    const index = join(root, 'lexical');
    const indexed = await plugboard('rag', 'index', '--docs', docs, '--index', index);
    expect(indexed.code, indexed.stderr).toBe(0);
    const report = reportSchema.parse(JSON.parse(indexed.stdout));
    expect(report.added).toEqual(['food/cheese.md', 'space.txt']);
    expect(report.skipped).toEqual([{ path: 'photo.md', reason: 'binary (contains NUL bytes)' }]);
    expect(report.stamp.embedderId).toMatch(/^hashed-trigram/);

    const json = await plugboard('rag', 'search', '--index', index, 'rennet curdles milk', '--k', '2', '--json');
    expect(json.code, json.stderr).toBe(0);
    const [top] = hitsSchema.parse(JSON.parse(json.stdout));
    expect(top).toMatchObject({ source: 'food/cheese.md', position: { startLine: 1, endLine: 3 }, scores: { ranks: { vectorRank: 1, fullTextRank: 1 } } });

    const text = await plugboard('rag', 'search', '--index', index, 'event horizon');
    expect(text.stdout).toMatch(/^1\. space\.txt:1-3 {2}\(fused [\d.]+, vector #1, full-text #1\)/);
  });

  it('embeds with the base model given --model, and refuses to search that index without it (INDEX_MISMATCH, offering --rebuild)', async () => {
    const model = ensureFixtureModel(join(root, 'model'), { ...TINY_SHAPES, architecture: 'qwen2' });
    const index = join(root, 'semantic');
    const indexed = await plugboard('rag', 'index', '--docs', docs, '--index', index, '--model', model.dir);
    expect(indexed.code, indexed.stderr).toBe(0);
    const report = reportSchema.parse(JSON.parse(indexed.stdout));
    expect(report.stamp).toEqual({ version: 1, embedderId: expect.stringMatching(/^plugboard:qwen2:[0-9a-f]{16}$/) as string, dimension: TINY_SHAPES.hiddenSize });

    const withModel = await plugboard('rag', 'search', '--index', index, '--model', model.dir, 'rennet curdles milk', '--json');
    expect(withModel.code, withModel.stderr).toBe(0);
    expect(hitsSchema.parse(JSON.parse(withModel.stdout)).map((hit) => hit.source)).toContain('food/cheese.md');

    const without = await plugboard('rag', 'search', '--index', index, 'rennet');
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/INDEX_MISMATCH/);
    expect(without.stderr).toMatch(/--rebuild/);
  });

  it('refuses bad flags and an empty query', async () => {
    expect((await plugboard('rag', 'search', '--index', join(root, 'lexical'), 'milk', '--k', '1.5')).code).not.toBe(0);
    const empty = await plugboard('rag', 'search', '--index', join(root, 'lexical'), '  ');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/query is empty.*INVALID_ARGUMENT/);
  });
});
