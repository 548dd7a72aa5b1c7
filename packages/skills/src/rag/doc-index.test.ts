import * as lancedb from '@lancedb/lancedb';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPlugboardError, PlugboardError } from '@plugboard/core';
import { DocIndex } from './doc-index.ts';
import type { DocIndexOptions, SearchHit } from './doc-index.ts';
import type { SyncProgress } from './doc-index-events.ts';
import { HashedTrigramEmbeddings } from './hashed-trigram-embeddings.ts';
import { TOPIC_DOCUMENTS, writeTopicCorpus } from './topic-corpus.fixture.ts';

const KEYWORD_QUERIES: [string, string][] = [
  ['queen worker bees pollen', 'nature/beekeeping.md'],
  ['magma lava ash', 'nature/volcanoes.md'],
  ['neap tides', 'nature/tides.md'],
  ['chlorophyll glucose', 'nature/photosynthesis.md'],
  ['espresso gooseneck kettle', 'food/coffee.txt'],
  ['rennet curds whey', 'food/cheese.md'],
  ['abstract syntax tree register allocation', 'tech/compilers.md'],
  ['SQL B-trees transactions', 'tech/databases.md'],
  ['RSA SHA-256 signatures', 'tech/cryptography.md'],
  ['TCP DNS routers', 'tech/networking.txt'],
  ['Sicilian castling checkmate', 'sport/chess.md'],
  ['Gutenberg movable type', 'history/printing.md'],
  ['event horizon Hawking', 'science/black-holes.md'],
];

const PARAPHRASE_QUERIES: [string, string][] = [
  ['how do beekeepers stop colonies swarming', 'nature/beekeeping.md'],
  ['an erupting volcanic mountain', 'nature/volcanoes.md'],
  ['baking bread from a starter culture', 'food/sourdough.md'],
  ['encrypting with public keys', 'tech/cryptography.md'],
  ['improvising saxophone players', 'arts/jazz.txt'],
  ['training for a marathon race', 'sport/marathon.md'],
  ['painting with watercolours', 'arts/watercolor.md'],
  ['inherited genes and mutated alleles', 'science/genetics.md'],
  ['sailors tacking a yacht', 'sport/sailing.md'],
  ['roman legions building aqueducts', 'history/rome.md'],
];

function sourcesOf(hits: SearchHit[]): string[] {
  return hits.map((hit) => hit.source);
}

describe('DocIndex', () => {
  let root: string;
  let corpusDir: string;
  let indexDir: string;
  let embeddings: HashedTrigramEmbeddings;
  const open = (extra: Partial<DocIndexOptions> = {}) => DocIndex.open({ corpusDir, indexDir, embeddings, chunkSize: 200, chunkOverlap: 40, ...extra });
  const openSynced = async (extra: Partial<DocIndexOptions> = {}): Promise<DocIndex> => {
    const index = await open(extra);
    await index.sync();
    return index;
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'plugboard-rag-'));
    corpusDir = join(root, 'corpus');
    indexDir = join(root, 'index');
    embeddings = new HashedTrigramEmbeddings();
    await writeTopicCorpus(corpusDir);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds the right document in the top 3 for keyword and reworded queries (lexical: stems and trigrams)', async () => {
    const index = await open();
    const report = await index.sync();
    expect(report.added).toHaveLength(20);
    expect(report.embeddedChunks).toBe(index.size);
    for (const [query, expected] of [...KEYWORD_QUERIES, ...PARAPHRASE_QUERIES]) {
      const hits = await index.search(query, { k: 3 });
      expect(sourcesOf(hits), query).toContain(expected);
    }
    index.close();
  });

  it('returns chunks with their exact position in the file and both retrievers’ ranks', async () => {
    const index = await openSynced();
    const hits = await index.search('splitting the colony prevents swarms', { k: 5, ranks: true });
    expect(hits).toHaveLength(5);
    const top = hits[0];
    expect(top.source).toBe('nature/beekeeping.md');
    const fileText = TOPIC_DOCUMENTS[top.source];
    expect(fileText.slice(top.position.startOffset, top.position.endOffset)).toBe(top.text);
    expect(top.position.startLine).toBe(fileText.slice(0, top.position.startOffset).split('\n').length);
    expect(top.position.headingPath).toEqual(['Beekeeping', 'Swarming']);
    expect(top.scores.ranks).toEqual({ fullTextRank: 1, vectorRank: 1 });
    // LanceDB's RRF counts ranks from 0: first in both lists is 1/60 + 1/60.
    expect(top.scores.fused).toBeCloseTo(2 / 60, 6);
    const fused = hits.map((hit) => hit.scores.fused);
    expect(fused).toEqual([...fused].sort((a, b) => b - a));
    // without ranks LanceDB fuses natively (no reranker round trip): the same hits, scores, order
    const native = await index.search('splitting the colony prevents swarms', { k: 5 });
    expect(native.map(({ id, scores }) => ({ id, fused: scores.fused, ranks: scores.ranks }))).toEqual(hits.map(({ id, scores }) => ({ id, fused: scores.fused, ranks: undefined })));
    index.close();
  });

  it('fuses with the rrfK it was opened with (LanceDB fuses natively only at its own k = 60)', async () => {
    const index = await openSynced({ rrfK: 10 });
    const [top] = await index.search('splitting the colony prevents swarms', { k: 5 });
    expect(top.source).toBe('nature/beekeeping.md');
    expect(top.scores.fused).toBeCloseTo(2 / 10, 6);
    index.close();
  });

  it('stems full-text matches (LanceDB FTS) and finds a misspelling through the trigram vectors alone', async () => {
    const index = await openSynced();
    const [stemmed] = await index.search('erupting stratovolcano', { k: 3, ranks: true });
    expect(stemmed.source).toBe('nature/volcanoes.md');
    expect(stemmed.scores.ranks?.fullTextRank).toBe(1);
    const [misspelled] = await index.search('beekeping', { k: 3, ranks: true });
    expect(misspelled.source).toBe('nature/beekeeping.md');
    expect(misspelled.scores.ranks).toEqual({ fullTextRank: null, vectorRank: 1 });
    index.close();
  });

  it('survives a restart: a fresh instance answers the same without re-embedding', async () => {
    const first = await openSynced();
    const before = await first.search('volcanic eruptions and lava', { k: 5 });
    first.close();

    embeddings = new HashedTrigramEmbeddings();
    const second = await open();
    expect(second.size).toBe(first.size);
    expect(await second.search('volcanic eruptions and lava', { k: 5 })).toEqual(before);
    const report = await second.sync();
    expect(report).toMatchObject({ added: [], changed: [], removed: [], unchanged: 20, embeddedChunks: 0 });
    expect(embeddings.documentCalls).toBe(0);
    second.close();
  });

  it('re-embeds only new and changed files and drops removed ones', async () => {
    const index = await openSynced();
    embeddings.resetCounts();

    await writeFile(join(corpusDir, 'food/coffee.txt'), 'Tea brewing\n\nSteep oolong leaves in a clay teapot; matcha is whisked.');
    await writeFile(join(corpusDir, 'new-topic.md'), '# Origami\n\nFolding paper cranes without scissors.');
    await unlink(join(corpusDir, 'arts/jazz.txt'));
    const report = await index.sync();
    expect(report).toMatchObject({ added: ['new-topic.md'], changed: ['food/coffee.txt'], removed: ['arts/jazz.txt'], unchanged: 18, fullReindex: false, reusedChunks: 0 });
    expect(embeddings.documentCalls).toBe(1);
    expect(embeddings.embeddedDocuments).toBe(2);
    expect(report.embeddedChunks).toBe(2);

    expect(sourcesOf(await index.search('oolong teapot', { k: 1 }))).toEqual(['food/coffee.txt']);
    expect(sourcesOf(await index.search('origami cranes', { k: 1 }))).toEqual(['new-topic.md']);
    const espresso = await index.search('espresso gooseneck', { k: 40 });
    expect(espresso.some((hit) => hit.text.includes('espresso'))).toBe(false);
    expect(sourcesOf(await index.search('bebop saxophonists', { k: 40 }))).not.toContain('arts/jazz.txt');
    expect(index.files).not.toContain('arts/jazz.txt');
    index.close();

    const reopened = await open();
    expect(sourcesOf(await reopened.search('oolong teapot', { k: 1 }))).toEqual(['food/coffee.txt']);
    reopened.close();
  });

  it('does not re-embed a file whose mtime changed but whose text did not', async () => {
    const index = await openSynced();
    embeddings.resetCounts();
    const later = new Date(Date.now() + 60_000);
    await utimes(join(corpusDir, 'nature/tides.md'), later, later);
    const report = await index.sync();
    expect(report).toMatchObject({ added: [], changed: [], removed: [], unchanged: 20, embeddedChunks: 0 });
    expect(embeddings.documentCalls).toBe(0);
    const manifest = JSON.parse(await readFile(join(indexDir, 'manifest.json'), 'utf8')) as { files: Record<string, { mtimeMs: number }> };
    const { mtimeMs } = await stat(join(corpusDir, 'nature/tides.md'));
    expect(mtimeMs).toBeCloseTo(later.getTime(), -1);
    expect(manifest.files['nature/tides.md'].mtimeMs).toBe(mtimeMs);
    index.close();
  });

  it('reindexes everything when the chunking settings change', async () => {
    const first = await openSynced();
    first.close();
    embeddings.resetCounts();
    const second = await open({ chunkSize: 120, chunkOverlap: 20 });
    const report = await second.sync();
    expect(report.fullReindex).toBe(true);
    expect(report.embeddedChunks).toBe(second.size);
    expect(embeddings.embeddedDocuments).toBe(second.size);
    expect(second.size).toBeGreaterThan(first.size);
    expect(sourcesOf(await second.search('rennet curds', { k: 3 }))).toContain('food/cheese.md');
    second.close();
  });

  it('reports a corrupted manifest clearly and recovers with a reset and a full reindex', async () => {
    const first = await openSynced();
    const expected = await first.search('Gutenberg printing press', { k: 3 });
    first.close();
    await writeFile(join(indexDir, 'manifest.json'), '{"version": 1, "files": ');

    const error = await open().catch((e: unknown) => e);
    expect(isPlugboardError(error, 'MANIFEST_INVALID')).toBe(true);
    expect((error as Error).message).toContain('reset: true');

    embeddings.resetCounts();
    const recovered = await open({ reset: true });
    expect(recovered.size).toBe(0);
    const report = await recovered.sync();
    expect(report.added).toHaveLength(20);
    expect(embeddings.embeddedDocuments).toBe(recovered.size);
    expect(await recovered.search('Gutenberg printing press', { k: 3 })).toEqual(expected);
    recovered.close();
  });

  it('builds an approximate vector index past vectorIndexMinRows and still ranks the keyword and reworded queries the same way', async () => {
    const index = await openSynced({ vectorIndexMinRows: 16 });
    const db = await lancedb.connect(join(indexDir, 'lance'));
    const table = await db.openTable('chunks');
    expect((await table.listIndices()).map((entry) => [entry.name, entry.indexType]).sort()).toEqual([
      ['text_idx', 'FTS'],
      ['vector_idx', 'IvfRq'],
    ]);
    db.close();
    for (const [query, expected] of [...KEYWORD_QUERIES, ...PARAPHRASE_QUERIES]) {
      expect(sourcesOf(await index.search(query, { k: 3 })), query).toContain(expected);
    }
    // Rows added later are folded into both indexes by the next sync's optimize.
    await writeFile(join(corpusDir, 'new-topic.md'), '# Origami\n\nFolding paper cranes without scissors.');
    await index.sync();
    expect(sourcesOf(await index.search('origami cranes', { k: 1 }))).toEqual(['new-topic.md']);
    index.close();
  });

  it('keeps no side index: the table and the manifest are the whole index folder', async () => {
    const index = await openSynced();
    index.close();
    expect((await readdir(indexDir)).sort()).toEqual(['lance', 'manifest.json']);
  });

  it('rebuild() re-embeds the whole corpus', async () => {
    const index = await openSynced();
    embeddings.resetCounts();
    const report = await index.rebuild();
    expect(report.added).toHaveLength(20);
    expect(embeddings.embeddedDocuments).toBe(index.size);
    expect(sourcesOf(await index.search('chess openings', { k: 3 }))).toContain('sport/chess.md');
    index.close();
  });

  it('refuses an index built with another embedder (INDEX_MISMATCH, offering --rebuild) and rebuilds on request', async () => {
    const index = await openSynced();
    expect(index.stamp).toEqual({ version: 1, embedderId: 'hashed-trigram-v1:d512:w0.5', dimension: 512 });
    index.close();
    const other = new HashedTrigramEmbeddings({ dimension: 64 });
    const error = await open({ embeddings: other }).catch((e: unknown) => e);
    expect(isPlugboardError(error, 'INDEX_MISMATCH')).toBe(true);
    expect((error as Error).message).toContain('hashed-trigram-v1:d512:w0.5');
    expect((error as Error).message).toContain('--rebuild');

    const rebuilt = await openSynced({ embeddings: other, reset: true });
    expect(rebuilt.stamp?.dimension).toBe(64);
    expect(sourcesOf(await rebuilt.search('neap tides quarter moons', { k: 1 }))).toEqual(['nature/tides.md']);
    rebuilt.close();
  });

  it('refuses vectors of another dimension under the same embedder id, at sync and at search, leaving the index as it was', async () => {
    const index = await openSynced({ embedderId: 'my-model' });
    index.close();
    await writeFile(join(corpusDir, 'nature/tides.md'), '# Tides\n\nHigh water twice a day.');
    const narrow = await open({ embedderId: 'my-model', embeddings: new HashedTrigramEmbeddings({ dimension: 64 }) });
    const syncError = await narrow.sync().catch((e: unknown) => e);
    expect(isPlugboardError(syncError, 'INDEX_MISMATCH')).toBe(true);
    expect((syncError as Error).message).toMatch(/64-dimensional .* 512-dimensional/);
    expect(isPlugboardError(await narrow.search('tides').catch((e: unknown) => e), 'INDEX_MISMATCH')).toBe(true);
    narrow.close();
    const again = await open({ embedderId: 'my-model' });
    expect(again.recovery).toMatchObject({ dropped: [], deletedRows: 0 });
    expect(sourcesOf(await again.search('neap tides quarter moons', { k: 1 }))).toEqual(['nature/tides.md']);
    again.close();
  });

  it('refuses a foreign table (INDEX_MISMATCH) and a damaged one (DATA_INVALID) in the index folder', async () => {
    const foreignDir = join(root, 'foreign');
    const db = await lancedb.connect(join(foreignDir, 'lance'));
    await db.createTable('chunks', [{ name: 'not ours', vector: [1, 2, 3] }]);
    db.close();
    const foreign = await DocIndex.open({ indexDir: foreignDir, embeddings }).catch((e: unknown) => e);
    expect(isPlugboardError(foreign, 'INDEX_MISMATCH')).toBe(true);
    expect((foreign as Error).message).toMatch(/not a Plugboard RAG chunk table/);

    const index = await openSynced();
    index.close();
    const dataDir = join(indexDir, 'lance', 'chunks.lance', 'data');
    for (const file of await readdir(dataDir)) await writeFile(join(dataDir, file), 'garbage');
    const damaged = await open().catch((e: unknown) => e);
    expect(isPlugboardError(damaged, 'DATA_INVALID')).toBe(true);
    expect((damaged as Error).message).toContain('--rebuild');
    const reset = await open({ reset: true });
    expect((await reset.sync()).added).toHaveLength(20);
    reset.close();
  });

  it('skips and reports binary and non-UTF-8 files instead of indexing garbage, and drops a file that turns binary', async () => {
    await writeFile(join(corpusDir, 'image.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
    await writeFile(join(corpusDir, 'latin1.txt'), Buffer.from('caf\xe9 cr\xe8me', 'latin1'));
    const index = await open();
    const report = await index.sync();
    expect(report.skipped).toEqual([
      { path: 'image.md', reason: 'binary (contains NUL bytes)' },
      { path: 'latin1.txt', reason: 'not valid UTF-8' },
    ]);
    expect(index.files).not.toContain('latin1.txt');
    await writeFile(join(corpusDir, 'nature/tides.md'), Buffer.from([0, 1, 2, 3]));
    const next = await index.sync();
    expect(next.removed).toEqual(['nature/tides.md']);
    expect(sourcesOf(await index.search('neap tides quarter moons', { k: 40 }))).not.toContain('nature/tides.md');
    index.close();
  });

  it('re-embeds only the edited chunk of a changed file (vectors cached by content hash)', async () => {
    const long = Array.from({ length: 6 }, (_, i) => `Paragraph ${i} about lighthouse keeper number ${i} and the lamp oil they burned.`).join('\n\n');
    await writeFile(join(corpusDir, 'lighthouses.md'), long);
    const index = await openSynced();
    embeddings.resetCounts();
    await writeFile(join(corpusDir, 'lighthouses.md'), long.replace('Paragraph 3 about', 'Paragraph 3, rewritten, about'));
    const report = await index.sync();
    expect(report.changed).toEqual(['lighthouses.md']);
    expect(report.embeddedChunks).toBeGreaterThanOrEqual(1);
    expect(report.reusedChunks).toBeGreaterThan(0);
    expect(embeddings.embeddedDocuments).toBe(report.embeddedChunks);
    const manifest = JSON.parse(await readFile(join(indexDir, 'manifest.json'), 'utf8')) as { files: Record<string, { chunks: number }> };
    expect(report.embeddedChunks + report.reusedChunks).toBe(manifest.files['lighthouses.md'].chunks);
    expect(sourcesOf(await index.search('Paragraph 3, rewritten', { k: 1 }))).toEqual(['lighthouses.md']);
    index.close();
  });

  it('reports sync progress as events: files, chunks, rate and ETA', async () => {
    const index = await open();
    const progress: SyncProgress[] = [];
    let started: unknown;
    index.events.on('sync:start', (e) => (started = e));
    index.events.on('sync:progress', (e) => progress.push(e));
    const report = await index.sync();
    expect(started).toMatchObject({ pending: 20, removed: 0, fullReindex: false });
    const last = progress.at(-1);
    expect(last).toMatchObject({ files: { done: 20, total: 20 }, chunks: index.size, etaMs: 0 });
    expect(last?.bytes.done).toBe(last?.bytes.total);
    expect(last?.chunksPerSecond).toBeGreaterThan(0);
    expect(report.embeddedChunks).toBe(index.size);
    index.close();
  });

  it('rejects searches on an empty index, bad queries, bad options and a closed index', async () => {
    await rm(corpusDir, { recursive: true });
    await mkdir(corpusDir);
    const index = await open();
    expect(await index.sync()).toMatchObject({ added: [], embeddedChunks: 0 });
    expect(isPlugboardError(await index.search('anything').catch((e: unknown) => e), 'TOOL_ERROR')).toBe(true);
    await writeTopicCorpus(corpusDir);
    await index.sync();
    expect(isPlugboardError(await index.search('   ').catch((e: unknown) => e), 'INVALID_ARGUMENT')).toBe(true);
    expect(isPlugboardError(await index.search('bees', { k: 0 }).catch((e: unknown) => e), 'INVALID_ARGUMENT')).toBe(true);
    index.close();
    expect(isPlugboardError(await index.search('bees').catch((e: unknown) => e), 'INVALID_ARGUMENT')).toBe(true);
  });

  it('rejects a query longer than maxQueryChars or than the embedder’s context, and sync without a corpus folder', async () => {
    const index = await openSynced({ maxQueryChars: 50 });
    const long = await index.search('bees '.repeat(20)).catch((e: unknown) => e);
    expect(isPlugboardError(long, 'INVALID_ARGUMENT')).toBe(true);
    expect((long as Error).message).toMatch(/100 characters long, more than the 50/);
    index.close();

    // An embedder with a context (as a model is): its PROMPT_TOO_LONG becomes a clear INVALID_ARGUMENT.
    const bounded = new HashedTrigramEmbeddings();
    bounded.embedQuery = (text: string) => (text.length > 20 ? Promise.reject(new PlugboardError('PROMPT_TOO_LONG', `${text.length} tokens exceed the context of 8`)) : Promise.resolve([1]));
    const searchOnly = await DocIndex.open({ indexDir, embeddings: bounded });
    const error = await searchOnly.search('a query well past twenty characters').catch((e: unknown) => e);
    expect(isPlugboardError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(/longer than the embedder's context/);
    const noCorpus = await searchOnly.sync().catch((e: unknown) => e);
    expect(isPlugboardError(noCorpus, 'INVALID_ARGUMENT')).toBe(true);
    expect((noCorpus as Error).message).toMatch(/corpusDir/);
    searchOnly.close();
  });

  it('rejects invalid options and a missing corpus folder', async () => {
    expect(isPlugboardError(await open({ chunkSize: 100, chunkOverlap: 100 }).catch((e: unknown) => e), 'INVALID_ARGUMENT')).toBe(true);
    expect(isPlugboardError(await open({ tableName: 'bad name; drop' }).catch((e: unknown) => e), 'INVALID_ARGUMENT')).toBe(true);
    const index = await open({ corpusDir: join(root, 'missing') });
    expect(isPlugboardError(await index.sync().catch((e: unknown) => e), 'FILE_NOT_FOUND')).toBe(true);
    index.close();
  });
});
