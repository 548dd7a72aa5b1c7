import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PlugboardError } from '@plugboard/core';
import type { z } from 'zod';
import { Bm25Index, bm25SnapshotSchema } from './bm25-index.ts';
import type { ChunkPosition } from './chunk-document.ts';
import { ChunkTable } from './chunk-table.ts';
import type { StoredChunk } from './chunk-table.ts';
import { contentHash } from './content-hash.ts';
import { docIndexOptionsSchema, searchOptionsSchema } from './doc-index-options.ts';
import type { DocIndexSettings, SearchOptions } from './doc-index-options.ts';
import { checkVector, embedTexts } from './embed-texts.ts';
import type { TextEmbedder } from './embed-texts.ts';
import { emptyManifest, indexManifestSchema } from './index-manifest.ts';
import type { IndexManifest } from './index-manifest.ts';
import { readJsonFile, writeJsonFileAtomic } from './json-file.ts';
import { planSync } from './plan-sync.ts';
import { reciprocalRankFusion } from './reciprocal-rank-fusion.ts';

export type DocIndexOptions = z.input<typeof docIndexOptionsSchema> & { embeddings: TextEmbedder };

export interface SyncReport {
  /** Paths relative to the corpus root. */
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
  /** Chunks sent to the embedder. */
  embeddedChunks: number;
  /** True when the chunking settings changed, so every file was chunked and embedded again. */
  fullReindex: boolean;
}

export interface SearchHit {
  id: string;
  source: string;
  position: ChunkPosition;
  text: string;
  scores: {
    /** Reciprocal-rank fusion score (k = 60). */
    fused: number;
    /** 1-based rank among the BM25 candidates; null when BM25 did not retrieve the chunk. */
    bm25Rank: number | null;
    bm25Score: number | null;
    vectorRank: number | null;
    /** Cosine distance to the query vector. */
    vectorDistance: number | null;
  };
}

const MANIFEST_FILE = 'manifest.json';
const BM25_FILE = 'bm25.json';
const LANCE_FOLDER = 'lance';
const DEFAULT_CANDIDATES = 20;

/**
 * Hybrid retrieval over a folder of documents: BM25 and vector search (LanceDB, on disk),
 * fused by reciprocal rank. `sync()` brings the index in step with the folder, embedding only
 * new and changed files; the index survives restarts. Not safe to share between processes.
 */
export class DocIndex {
  private closed = false;
  /** Serializes syncs, so two never interleave their writes. */
  private pendingSync: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly settings: DocIndexSettings,
    private readonly embeddings: TextEmbedder,
    private readonly table: ChunkTable,
    private bm25: Bm25Index,
    private manifest: IndexManifest,
  ) {}

  static async open(options: DocIndexOptions): Promise<DocIndex> {
    const { embeddings, ...rest } = options;
    const parsed = docIndexOptionsSchema.safeParse(rest);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      throw new PlugboardError('INVALID_ARGUMENT', `The document index options are invalid (${issues}).`);
    }
    const settings = parsed.data;
    await mkdir(settings.indexDir, { recursive: true });
    if (settings.reset) await discardIndexFiles(settings.indexDir);
    const remedy = 'open the index with { reset: true } and call sync() to rebuild it from the corpus.';
    const manifest = await readJsonFile(join(settings.indexDir, MANIFEST_FILE), indexManifestSchema, { code: 'MANIFEST_INVALID', what: 'RAG index manifest', remedy });
    const snapshot = await readJsonFile(join(settings.indexDir, BM25_FILE), bm25SnapshotSchema, { code: 'DATA_INVALID', what: 'BM25 index', remedy });
    const table = await ChunkTable.open(join(settings.indexDir, LANCE_FOLDER), settings.tableName);
    try {
      const bm25 = snapshot === null ? new Bm25Index() : Bm25Index.fromSnapshot(snapshot);
      const current = manifest ?? emptyManifest(settings.chunkSize, settings.chunkOverlap);
      await checkInStep(current, bm25, table, settings.indexDir, remedy);
      return new DocIndex(settings, embeddings, table, bm25, current);
    } catch (error) {
      table.close();
      throw error;
    }
  }

  /** Number of indexed chunks. */
  get size(): number {
    return this.bm25.size;
  }

  /** Indexed files, relative to the corpus root. */
  get files(): string[] {
    return Object.keys(this.manifest.files).sort();
  }

  sync(): Promise<SyncReport> {
    return this.serialized(() => this.runSync());
  }

  /** Forgets everything indexed and indexes the whole corpus again. */
  rebuild(): Promise<SyncReport> {
    return this.serialized(async () => {
      await this.table.clear();
      this.bm25 = new Bm25Index();
      this.manifest = emptyManifest(this.settings.chunkSize, this.settings.chunkOverlap);
      await this.persist();
      return this.runSync();
    });
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    this.assertOpen();
    if (typeof query !== 'string' || query.trim() === '') {
      throw new PlugboardError('INVALID_ARGUMENT', 'The search query is empty; pass the words to look for.');
    }
    const parsed = searchOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new PlugboardError('INVALID_ARGUMENT', `Search options are invalid (${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}).`);
    }
    const { k } = parsed.data;
    if (this.bm25.size === 0) {
      throw new PlugboardError('TOOL_ERROR', `The document index is empty: no .md, .markdown or .txt files from ${this.settings.corpusDir} have been indexed. Add files there and call sync().`);
    }
    const candidates = parsed.data.candidates ?? Math.max(DEFAULT_CANDIDATES, k);
    const bm25Hits = this.bm25.search(query, candidates);
    const queryVector = await this.embeddings.embedQuery(query);
    const dimension = this.manifest.dimension ?? queryVector.length;
    if (queryVector.length !== dimension) {
      throw new PlugboardError('TOOL_ERROR', `The embedder returns ${queryVector.length}-dimensional vectors but the index holds ${dimension}-dimensional ones; use the embedder the index was built with, or call rebuild().`);
    }
    checkVector(queryVector, dimension);
    const vectorHits = await this.table.nearest(queryVector, candidates);
    const fused = reciprocalRankFusion([bm25Hits.map((hit) => hit.id), vectorHits.map((hit) => hit.id)]).slice(0, k);
    const chunks = await this.table.get(fused.map((item) => item.id));
    return fused.map((item) => {
      const chunk = chunks.get(item.id);
      if (chunk === undefined) {
        throw new PlugboardError('DATA_INVALID', `Chunk ${item.id} is in the search results but not in the chunk table; the index is damaged. Call rebuild().`);
      }
      const [bm25Rank, vectorRank] = item.ranks;
      return {
        id: chunk.id,
        source: chunk.source,
        position: positionOf(chunk),
        text: chunk.text,
        scores: {
          fused: item.score,
          bm25Rank,
          bm25Score: bm25Rank === null ? null : bm25Hits[bm25Rank - 1].score,
          vectorRank,
          vectorDistance: vectorRank === null ? null : vectorHits[vectorRank - 1].distance,
        },
      };
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.table.close();
  }

  private async runSync(): Promise<SyncReport> {
    this.assertOpen();
    const plan = await planSync(this.settings.corpusDir, this.manifest, this.settings);
    const chunks: StoredChunk[] = plan.pending.flatMap((file) => file.chunks.map((chunk) => ({ ...chunk, id: chunkId(file.path, file.hash, chunk.chunkIndex) })));
    // Embed before touching anything: a failing embedder leaves the index as it was.
    const vectors = await embedTexts(this.embeddings, chunks.map((chunk) => chunk.text), this.settings.embedBatchSize);
    const keepsOldVectors = !plan.fullReindex && Object.keys(plan.unchanged).length > 0;
    const dimension = vectors[0]?.length ?? (keepsOldVectors ? this.manifest.dimension : null);
    if (keepsOldVectors && vectors.length > 0 && this.manifest.dimension !== null && dimension !== this.manifest.dimension) {
      throw new PlugboardError('INVALID_ARGUMENT', `The embedder now returns ${dimension}-dimensional vectors but the index holds ${this.manifest.dimension}-dimensional ones; call rebuild() to re-embed everything.`);
    }

    const stale = [...plan.pending.filter((file) => !file.isNew).map((file) => file.path), ...plan.removed];
    if (plan.fullReindex) {
      await this.table.clear();
      this.bm25 = new Bm25Index();
    } else {
      // Deleting by source also sweeps rows a crashed earlier sync may have left behind.
      await this.table.deleteSources(stale);
      for (const path of stale) for (const id of this.manifest.files[path]?.chunkIds ?? []) this.bm25.remove(id);
    }
    await this.table.add(chunks, vectors);
    for (const chunk of chunks) this.bm25.add(chunk.id, chunk.text);

    const files: IndexManifest['files'] = { ...plan.unchanged };
    for (const file of plan.pending) {
      files[file.path] = { hash: file.hash, mtimeMs: file.mtimeMs, size: file.size, chunkIds: file.chunks.map((chunk) => chunkId(file.path, file.hash, chunk.chunkIndex)) };
    }
    this.manifest = { version: 1, chunkSize: this.settings.chunkSize, chunkOverlap: this.settings.chunkOverlap, dimension, files };
    await this.persist();
    return {
      added: plan.pending.filter((file) => file.isNew).map((file) => file.path),
      changed: plan.pending.filter((file) => !file.isNew).map((file) => file.path),
      removed: plan.removed,
      unchanged: Object.keys(plan.unchanged).length,
      embeddedChunks: chunks.length,
      fullReindex: plan.fullReindex,
    };
  }

  /** BM25 first, manifest last: the manifest is the commit point that says what the index holds. */
  private async persist(): Promise<void> {
    await writeJsonFileAtomic(join(this.settings.indexDir, BM25_FILE), this.bm25.toSnapshot());
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

/** Stable for a given file version and chunk position, so a re-sync of the same text yields the same ids. */
function chunkId(source: string, fileHash: string, chunkIndex: number): string {
  return contentHash(`${source}\n${fileHash}\n${chunkIndex}`).slice(0, 32);
}

function positionOf(chunk: StoredChunk): ChunkPosition {
  const { chunkIndex, startOffset, endOffset, startLine, endLine, headingPath } = chunk;
  return { chunkIndex, startOffset, endOffset, startLine, endLine, headingPath };
}

/** The manifest, the BM25 index and the table must describe the same chunks. */
async function checkInStep(manifest: IndexManifest, bm25: Bm25Index, table: ChunkTable, indexDir: string, remedy: string): Promise<void> {
  const manifestIds = Object.values(manifest.files).flatMap((file) => file.chunkIds);
  const rows = await table.count();
  const inStep = manifestIds.length === bm25.size && manifestIds.every((id) => bm25.has(id)) && rows === manifestIds.length;
  if (!inStep) {
    throw new PlugboardError(
      'MANIFEST_INVALID',
      `The RAG index in ${indexDir} is out of step: the manifest lists ${manifestIds.length} chunks, the BM25 index ${bm25.size}, the vector table ${rows} (an interrupted sync or edited files); ${remedy}`,
    );
  }
}

async function discardIndexFiles(indexDir: string): Promise<void> {
  for (const name of [MANIFEST_FILE, BM25_FILE, LANCE_FOLDER]) await rm(join(indexDir, name), { recursive: true, force: true });
}
