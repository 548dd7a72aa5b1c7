import * as lancedb from '@lancedb/lancedb';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocIndex } from './doc-index.ts';
import type { RecoveryReport, SearchHit, SyncReport } from './doc-index.ts';
import { HashedTrigramEmbeddings } from './hashed-trigram-embeddings.ts';
import type { KillPoint } from './testing/index-process-request.ts';
import { runIndexProcess } from './testing/run-index-process.ts';
import { writeTopicCorpus } from './topic-corpus.fixture.ts';

interface Printed {
  recovery: RecoveryReport;
  size: number;
  results: (SearchHit[] | { report: SyncReport; embeddedDocuments: number })[];
}

/** Every step runs in its own process: the index is reopened from disk as a restarted program would. */
describe('DocIndex crash safety (killed mid-sync, reopened in a new process)', () => {
  let root: string;
  let corpusDir: string;
  let indexDir: string;
  const run = async (request: { steps: ({ sync: true } | { search: string })[]; killAt?: KillPoint }) => {
    const outcome = await runIndexProcess({ corpusDir, indexDir, commitChunks: 1, ...request });
    return outcome;
  };
  const reopen = async () => {
    const outcome = await run({ steps: [{ search: 'oolong teapot' }, { sync: true }, { search: 'origami cranes' }] });
    expect(outcome.code, outcome.stderr).toBe(0);
    const printed = outcome.output as Printed;
    const [tea, synced, origami] = printed.results as [SearchHit[], { report: SyncReport; embeddedDocuments: number }, SearchHit[]];
    return { recovery: printed.recovery, tea, synced, origami };
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'plugboard-rag-crash-'));
    corpusDir = join(root, 'corpus');
    indexDir = join(root, 'index');
    await writeTopicCorpus(corpusDir);
    const first = await DocIndex.open({ corpusDir, indexDir, embeddings: new HashedTrigramEmbeddings(), chunkSize: 200, chunkOverlap: 40 });
    await first.sync();
    first.close();
    // What the interrupted sync is about: two changed files (coffee, tides), one new, one removed (jazz).
    await writeFile(join(corpusDir, 'food/coffee.txt'), 'Tea brewing\n\nSteep oolong leaves in a clay teapot; matcha is whisked.');
    await writeFile(join(corpusDir, 'nature/tides.md'), '# Tides\n\nHigh water twice a day, low water between.');
    await writeFile(join(corpusDir, 'new-topic.md'), '# Origami\n\nFolding paper cranes without scissors.');
    await unlink(join(corpusDir, 'arts/jazz.txt'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('a kill after the write-ahead intent, before any table change, rolls every file back and re-embeds only the pending ones', async () => {
    const killed = await run({ steps: [{ sync: true }], killAt: 'before:add' });
    expect(killed.signal).toBe('SIGKILL');
    const { recovery, tea, synced } = await reopen();
    expect(recovery).toMatchObject({ rolledBack: ['food/coffee.txt', 'nature/tides.md'], rolledForward: [], dropped: [] });
    expect(recovery.deletedRows).toBeGreaterThan(0); // the removed file's rows: its removal was already intended
    expect(tea.map((hit) => hit.source)).not.toContain('new-topic.md');
    expect(synced.report).toMatchObject({ added: ['new-topic.md'], changed: ['food/coffee.txt', 'nature/tides.md'], removed: [], unchanged: 17 });
    expect(synced.embeddedDocuments).toBe(3);
  });

  it('a kill between two file commits keeps the file written (rolled forward) and re-embeds only the others', async () => {
    const killed = await run({ steps: [{ sync: true }], killAt: 'after:add' });
    expect(killed.signal).toBe('SIGKILL');
    const { recovery, tea, synced, origami } = await reopen();
    expect(recovery).toMatchObject({ rolledForward: ['food/coffee.txt'], rolledBack: ['nature/tides.md'], dropped: [] });
    expect(tea[0].source).toBe('food/coffee.txt');
    expect(tea[0].text).toContain('oolong');
    expect(synced.report).toMatchObject({ added: ['new-topic.md'], changed: ['nature/tides.md'], removed: [] });
    expect(synced.embeddedDocuments).toBe(2);
    expect(origami[0].source).toBe('new-topic.md');
  });

  it('a kill after table.add, before the old rows go and the manifest is written, opens healthy and re-embeds nothing', async () => {
    const killed = await run({ steps: [{ sync: true }], killAt: 'before:deleteIds' });
    expect(killed.signal).toBe('SIGKILL');
    const { recovery, tea, synced, origami } = await reopen();
    expect(recovery).toMatchObject({ rolledForward: ['food/coffee.txt', 'nature/tides.md', 'new-topic.md'], rolledBack: [], dropped: [] });
    expect(recovery.deletedRows).toBe(2); // the old coffee and tides rows (the removed file's rows went before the kill)
    expect(tea[0].text).toContain('oolong');
    expect(synced.report).toMatchObject({ added: [], changed: [], removed: [], unchanged: 20, embeddedChunks: 0 });
    expect(synced.embeddedDocuments).toBe(0);
    expect(origami[0].source).toBe('new-topic.md');
  });

  it('a kill after every table change but before the manifest commit opens healthy and re-embeds nothing', async () => {
    const killed = await run({ steps: [{ sync: true }], killAt: 'before:ensureIndexed' });
    expect(killed.signal).toBe('SIGKILL');
    const { recovery, tea, synced } = await reopen();
    expect(recovery).toMatchObject({ rolledForward: ['food/coffee.txt', 'nature/tides.md', 'new-topic.md'], dropped: [] });
    expect(tea[0].text).toContain('oolong');
    expect(synced.embeddedDocuments).toBe(0);
    const healthy = await reopen();
    expect(healthy.recovery).toEqual({ dropped: [], rolledForward: [], rolledBack: [], adopted: [], deletedRows: 0 });
  });

  it('compares chunk ids, not row counts: rows missing from the table drop just that file, which the next sync re-embeds', async () => {
    const settle = await run({ steps: [{ sync: true }] });
    expect(settle.code, settle.stderr).toBe(0);
    const db = await lancedb.connect(join(indexDir, 'lance'));
    const table = await db.openTable('chunks');
    // Same row count, other ids: one chunk of the cheese file swapped for a row nothing lists.
    const [row] = (await table.query().where("source = 'food/cheese.md'").limit(1).toArray()) as Record<string, unknown>[];
    await table.delete(`id = '${String(row.id)}'`);
    await table.add([{ ...row, id: 'f'.repeat(32), vector: Array.from(row.vector as Iterable<number>) }]);
    const rows = await table.countRows();
    db.close();
    const { recovery, synced } = await reopen();
    expect(recovery).toMatchObject({ dropped: ['food/cheese.md'], deletedRows: expect.any(Number) as number });
    expect(recovery.deletedRows).toBeGreaterThan(0);
    expect(synced.report).toMatchObject({ added: ['food/cheese.md'], changed: [], removed: [] });
    expect(synced.embeddedDocuments).toBe(1);
    expect(rows).toBeGreaterThan(0);
  });

  it('a lost manifest is rebuilt from the table: whole file versions are adopted and nothing is re-embedded', async () => {
    const settle = await run({ steps: [{ sync: true }] });
    expect(settle.code, settle.stderr).toBe(0);
    await unlink(join(indexDir, 'manifest.json'));
    const { recovery, synced } = await reopen();
    expect(recovery.adopted).toHaveLength(20);
    expect(synced.report).toMatchObject({ added: [], changed: [], unchanged: 20 });
    expect(synced.embeddedDocuments).toBe(0);
  });
});
