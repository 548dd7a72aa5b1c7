import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isPlugboardError, PlugboardError } from '@plugboard/core';
import type { z } from 'zod';
import { chunkDocument } from './chunk-document.ts';
import type { ChunkPosition } from './chunk-document.ts';
import { chunkId, chunkIdsOf } from './chunk-id.ts';
import { ChunkTable } from './chunk-table.ts';
import type { StoredChunk } from './chunk-table.ts';
import type { IndexStamp } from './chunk-table-schema.ts';
import { contentHash } from './content-hash.ts';
import { DocIndexEventEmitter } from './doc-index-events.ts';
import { docIndexOptionsSchema, searchOptionsSchema } from './doc-index-options.ts';
import type { DocIndexSettings, SearchOptions } from './doc-index-options.ts';
import { embedChunks } from './embed-chunks.ts';
import { checkVector, embedderIdOf } from './embed-texts.ts';
import type { TextEmbedder } from './embed-texts.ts';
import { emptyManifest, indexManifestSchema } from './index-manifest.ts';
import type { IndexManifest, IndexedFile } from './index-manifest.ts';
import { readJsonFile, writeJsonFileAtomic } from './json-file.ts';
import { planSync } from './plan-sync.ts';
import type { PendingFile, SyncPlan } from './plan-sync.ts';
import { readCorpusText } from './read-corpus-text.ts';
import { reconcileIndex } from './reconcile-index.ts';
import type { RetrieverRanks } from './retriever-ranks.ts';
import type { RecoveryReport, SyncReport } from './sync-report.ts';

export type DocIndexOptions = z.input<typeof docIndexOptionsSchema> & { embeddings: TextEmbedder };
export type { SyncReport, RecoveryReport } from './sync-report.ts';

export interface SearchHit {
  id: string;
  source: string;
  position: ChunkPosition;
  text: string;
  scores: {
    /** LanceDB's reciprocal-rank fusion score, Σ 1 / (rrfK + rank) with ranks counted from 0. */
    fused: number;
    /** Where the hit stood in each retriever's list: only when the search asked for `ranks`. */
    ranks?: RetrieverRanks;
  };
}

const MANIFEST_FILE = 'manifest.json';
const LANCE_FOLDER = 'lance';
const DEFAULT_CANDIDATES = 20;

/**
 * Hybrid retrieval over a folder of documents, all in one on-disk LanceDB table: vector search
 * and LanceDB's native full-text (BM25) index, fused by LanceDB's RRF reranker. `sync()` brings
 * the index in step with the folder, embedding only new and changed text; it writes its intent
 * to the manifest before touching the table, so an index killed mid-sync is repaired on the next
 * open, re-embedding only the files that were in flight. Not safe to share between processes.
 */
export class DocIndex {
  readonly events = new DocIndexEventEmitter();
  private closed = false;
  /** Serializes syncs, so two never interleave their writes. */
  private pendingSync: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly settings: DocIndexSettings,
    private readonly embeddings: TextEmbedder,
    private readonly embedderId: string,
    private readonly table: ChunkTable,
    private manifest: IndexManifest,
    /** What open() repaired after an interrupted sync. */
    readonly recovery: RecoveryReport,
  ) {}

  static async open(options: DocIndexOptions): Promise<DocIndex> {
    const { embeddings, ...rest } = options;
    const parsed = docIndexOptionsSchema.safeParse(rest);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      throw new PlugboardError('INVALID_ARGUMENT', `The document index options are invalid (${issues}).`);
    }
    const settings = parsed.data;
    const remedy = 'rebuild it from the corpus: `plugboard rag index --rebuild` (API: DocIndex.open({ reset: true }) then sync()).';
    await mkdir(settings.indexDir, { recursive: true });
    if (settings.reset) await discardIndexFiles(settings.indexDir);
    const stored = await readJsonFile(join(settings.indexDir, MANIFEST_FILE), indexManifestSchema, { code: 'MANIFEST_INVALID', what: 'RAG index manifest', remedy });
    const table = await ChunkTable.open(join(settings.indexDir, LANCE_FOLDER), settings.tableName, settings.rrfK, remedy);
    try {
      const embedderId = embedderIdOf(embeddings, settings.embedderId);
      const stamp = table.stamp;
      if (stamp !== null && stamp.embedderId !== embedderId) {
        throw new PlugboardError(
          'INDEX_MISMATCH',
          `The RAG index in ${settings.indexDir} was built with the embedder "${stamp.embedderId}" (${stamp.dimension} dimensions), not "${embedderId}": its vectors mean nothing to this one. Open it with the embedder it was built with (the CLI's --model DIR for a plugboard: id), or ${remedy}`,
        );
      }
      const manifest = stored ?? emptyManifest(settings.chunkSize, settings.chunkOverlap);
      const repaired = await repair(table, manifest, settings, remedy);
      return new DocIndex(settings, embeddings, embedderId, table, repaired.manifest, repaired.report);
    } catch (error) {
      table.close();
      throw error;
    }
  }

  /** Number of indexed chunks. */
  get size(): number {
    return Object.values(this.manifest.files).reduce((sum, file) => sum + file.chunks, 0);
  }

  /** Indexed files, relative to the corpus root. */
  get files(): string[] {
    return Object.keys(this.manifest.files).sort();
  }

  /** The embedder id and vector length recorded in the table; null before anything is indexed. */
  get stamp(): IndexStamp | null {
    return this.table.stamp;
  }

  sync(): Promise<SyncReport> {
    return this.serialized(() => this.runSync());
  }

  /** Forgets everything indexed and indexes the whole corpus again. */
  rebuild(): Promise<SyncReport> {
    return this.serialized(async () => {
      this.manifest = emptyManifest(this.settings.chunkSize, this.settings.chunkOverlap);
      await this.writeManifest();
      await this.table.clear();
      return this.runSync();
    });
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    this.assertOpen();
    if (typeof query !== 'string' || query.trim() === '') {
      throw new PlugboardError('INVALID_ARGUMENT', 'The search query is empty; pass the words to look for.');
    }
    if (query.length > this.settings.maxQueryChars) {
      throw new PlugboardError('INVALID_ARGUMENT', `The search query is ${query.length} characters long, more than the ${this.settings.maxQueryChars} this index accepts (maxQueryChars); search for a shorter phrase.`);
    }
    const parsed = searchOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new PlugboardError('INVALID_ARGUMENT', `Search options are invalid (${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}).`);
    }
    const { k } = parsed.data;
    const stamp = this.table.stamp;
    if (this.size === 0 || stamp === null) {
      throw new PlugboardError('TOOL_ERROR', `The document index in ${this.settings.indexDir} is empty: no .md, .markdown or .txt files have been indexed. Add files to the corpus and call sync().`);
    }
    const queryVector = await this.embedQuery(query);
    if (queryVector.length !== stamp.dimension) {
      throw new PlugboardError('INDEX_MISMATCH', `The embedder returns ${queryVector.length}-dimensional vectors but the index holds ${stamp.dimension}-dimensional ones from "${stamp.embedderId}"; use that embedder, or rebuild the index (\`plugboard rag index --rebuild\`).`);
    }
    checkVector(queryVector, stamp.dimension);
    const hits = await this.table.hybrid(query, queryVector, parsed.data.candidates ?? Math.max(DEFAULT_CANDIDATES, k), parsed.data.ranks);
    return hits.slice(0, k).map(({ chunk, fused, ranks }) => ({
      id: chunk.id,
      source: chunk.source,
      position: positionOf(chunk),
      text: chunk.text,
      scores: ranks === undefined ? { fused } : { fused, ranks },
    }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.table.close();
  }

  private async embedQuery(query: string): Promise<number[]> {
    try {
      return await this.embeddings.embedQuery(query);
    } catch (error) {
      if (isPlugboardError(error, 'PROMPT_TOO_LONG')) {
        throw new PlugboardError('INVALID_ARGUMENT', `The search query is longer than the embedder's context (${error.message}); search for a shorter phrase.`, { cause: error });
      }
      throw error;
    }
  }

  private async runSync(): Promise<SyncReport> {
    this.assertOpen();
    const corpusDir = this.settings.corpusDir;
    if (corpusDir === undefined) throw new PlugboardError('INVALID_ARGUMENT', 'This document index was opened without a corpusDir, so it cannot sync; open it with { corpusDir }.');
    const started = performance.now();
    const plan = await planSync(corpusDir, this.manifest, this.settings);
    const report: SyncReport = {
      added: plan.pending.filter((file) => file.isNew).map((file) => file.path),
      changed: plan.pending.filter((file) => !file.isNew).map((file) => file.path),
      removed: plan.removed,
      unchanged: Object.keys(plan.unchanged).length,
      skipped: plan.skipped,
      embeddedChunks: 0,
      reusedChunks: 0,
      fullReindex: plan.fullReindex,
    };
    const bytes = plan.pending.reduce((sum, file) => sum + file.size, 0);
    this.events.emit('sync:start', { pending: plan.pending.length, removed: plan.removed.length, skipped: plan.skipped.length, bytes, fullReindex: plan.fullReindex });
    if (plan.pending.length > 0 || plan.removed.length > 0 || plan.fullReindex) {
      try {
        await this.apply(plan, report, bytes, started);
      } catch (error) {
        // Settle what the failed sync left (as a later open would), so this instance stays usable.
        await this.settleAfterFailure();
        throw error;
      }
    } else if (plan.refreshed) {
      this.manifest = { ...this.manifest, files: { ...this.manifest.files, ...plan.unchanged } };
      await this.writeManifest();
    }
    this.events.emit('sync:end', { report, ms: performance.now() - started });
    return report;
  }

  /** Write-ahead intent, then the new rows file by file, then the old rows out, then the commit. */
  private async apply(plan: SyncPlan, report: SyncReport, bytesTotal: number, started: number): Promise<void> {
    const chunking = { chunkSize: this.settings.chunkSize, chunkOverlap: this.settings.chunkOverlap };
    const previous = this.manifest;
    const pending: NonNullable<IndexManifest['pending']> = {};
    for (const file of plan.pending) pending[file.path] = { hash: file.hash, mtimeMs: file.mtimeMs, size: file.size };
    for (const path of plan.removed) pending[path] = null;
    const base = plan.fullReindex ? {} : { ...previous.files, ...plan.unchanged };
    this.manifest = { version: 2, ...chunking, files: base, pending };
    await this.writeManifest();
    if (plan.fullReindex) await this.table.clear();
    const reuseFrom = (await this.table.count()) > 0 ? this.table : null;

    const written: Record<string, IndexedFile> = {};
    let group: { file: PendingFile; chunks: StoredChunk[] }[] = [];
    let groupChunks = 0;
    const progress = { files: 0, chunks: 0, bytes: 0 };
    const flush = async () => {
      const chunks = group.flatMap((entry) => entry.chunks);
      const embedded = await embedChunks(this.embeddings, reuseFrom, chunks, this.settings.embedBatchSize);
      if (embedded.vectors.length > 0) await this.table.add(chunks, embedded.vectors, this.stampFor(embedded.vectors[0].length));
      for (const { file, chunks: fileChunks } of group) written[file.path] = { hash: file.hash, mtimeMs: file.mtimeMs, size: file.size, chunks: fileChunks.length };
      report.embeddedChunks += embedded.embedded;
      report.reusedChunks += embedded.reused;
      progress.files += group.length;
      progress.chunks += chunks.length;
      progress.bytes += group.reduce((sum, entry) => sum + entry.file.size, 0);
      const seconds = (performance.now() - started) / 1000;
      const rate = progress.bytes / Math.max(seconds, 1e-3);
      this.events.emit('sync:progress', {
        files: { done: progress.files, total: plan.pending.length },
        chunks: progress.chunks,
        bytes: { done: progress.bytes, total: bytesTotal },
        chunksPerSecond: progress.chunks / Math.max(seconds, 1e-3),
        etaMs: progress.bytes === 0 ? null : (1000 * (bytesTotal - progress.bytes)) / rate,
      });
      group = [];
      groupChunks = 0;
    };
    for (const file of plan.pending) {
      const read = await readCorpusText(file.absolutePath);
      // Changed (or became unreadable) since it was planned: left for the next sync, which sees the new text.
      if ('skip' in read || contentHash(read.text) !== file.hash) continue;
      const pieces = await chunkDocument(file.path, read.text, chunking);
      const chunks = pieces.map((piece) => ({ ...piece, id: chunkId(file.path, file.hash, piece.chunkIndex, chunking), fileHash: file.hash }));
      group.push({ file, chunks });
      groupChunks += chunks.length;
      if (groupChunks >= this.settings.commitChunks) await flush();
    }
    if (group.length > 0) await flush();

    if (!plan.fullReindex) {
      await this.table.deleteSources(plan.removed);
      const replaced = Object.keys(written).filter((path) => previous.files[path] !== undefined);
      await this.table.deleteIds(replaced.flatMap((path) => chunkIdsOf(path, previous.files[path], previous)));
    }
    await this.table.ensureIndexed(this.settings.vectorIndexMinRows, true);
    const files = { ...base, ...written };
    for (const path of plan.removed) delete files[path];
    this.manifest = { version: 2, ...chunking, files, pending: null };
    await this.writeManifest();
  }

  private stampFor(dimension: number): IndexStamp {
    const stamp = this.table.stamp;
    if (stamp === null) return { version: 1, embedderId: this.embedderId, dimension };
    if (stamp.dimension !== dimension) {
      throw new PlugboardError('INDEX_MISMATCH', `The embedder now returns ${dimension}-dimensional vectors but the index holds ${stamp.dimension}-dimensional ones from "${stamp.embedderId}"; rebuild the index (\`plugboard rag index --rebuild\`, API: rebuild()) to re-embed everything.`);
    }
    return stamp;
  }

  private async settleAfterFailure(): Promise<void> {
    try {
      this.manifest = (await repair(this.table, this.manifest, this.settings, 'rebuild the index.')).manifest;
    } catch {
      // The intent stays in the manifest; the next open settles it.
    }
  }

  private async writeManifest(): Promise<void> {
    await writeJsonFileAtomic(join(this.settings.indexDir, MANIFEST_FILE), this.manifest);
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const result = this.pendingSync.then(work, work);
    this.pendingSync = result.catch(() => undefined);
    return result;
  }

  private assertOpen(): void {
    if (this.closed) throw new PlugboardError('INVALID_ARGUMENT', 'This document index has been closed; open it again with DocIndex.open().');
  }
}

/**
 * The consistency check of every open: compares the manifest's chunk ids with the table's,
 * settles an interrupted sync's intent, deletes rows nothing accounts for, and writes the
 * settled manifest. The index it leaves always answers searches from what it lists.
 */
async function repair(table: ChunkTable, manifest: IndexManifest, settings: DocIndexSettings, remedy: string): Promise<{ manifest: IndexManifest; report: RecoveryReport }> {
  const settled = reconcileIndex(manifest, await table.keys(remedy));
  await table.deleteIds(settled.deleteIds);
  await table.ensureIndexed(settings.vectorIndexMinRows, settled.deleteIds.length > 0);
  if (settled.changed) await writeJsonFileAtomic(join(settings.indexDir, MANIFEST_FILE), settled.manifest);
  const { dropped, rolledForward, rolledBack, adopted } = settled;
  return { manifest: settled.manifest, report: { dropped, rolledForward, rolledBack, adopted, deletedRows: settled.deleteIds.length } };
}

function positionOf(chunk: StoredChunk): ChunkPosition {
  const { chunkIndex, startOffset, endOffset, startLine, endLine, headingPath } = chunk;
  return { chunkIndex, startOffset, endOffset, startLine, endLine, headingPath };
}

async function discardIndexFiles(indexDir: string): Promise<void> {
  for (const name of [MANIFEST_FILE, LANCE_FOLDER]) await rm(join(indexDir, name), { recursive: true, force: true });
}
