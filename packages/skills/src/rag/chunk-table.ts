import * as lancedb from '@lancedb/lancedb';
import { isPlugboardError, PlugboardError } from '@plugboard/core';
import { z } from 'zod';
import { jsonOrUndefined } from './json-or-undefined.ts';
import type { DocumentChunk } from './chunk-document.ts';
import { chunkTableSchema, readIndexStamp } from './chunk-table-schema.ts';
import type { IndexStamp } from './chunk-table-schema.ts';
import { RankRecordingReranker } from './retriever-ranks.ts';
import type { RetrieverRanks } from './retriever-ranks.ts';

export interface StoredChunk extends DocumentChunk {
  id: string;
  /** sha256 of the whole file version the chunk was cut from. */
  fileHash: string;
}

/** The identity of a row, all that the consistency check reads. */
export interface ChunkRowKey {
  id: string;
  source: string;
  fileHash: string;
  chunkIndex: number;
}

export interface HybridHit {
  chunk: StoredChunk;
  /** LanceDB's reciprocal-rank fusion score: Σ 1 / (k + rank), ranks counted from 0. */
  fused: number;
  /** only when the query recorded them */
  ranks?: RetrieverRanks;
}

const chunkRowSchema = z.object({
  id: z.string(),
  source: z.string(),
  file_hash: z.string(),
  text: z.string(),
  content_hash: z.string(),
  chunk_index: z.number(),
  start_offset: z.number(),
  end_offset: z.number(),
  start_line: z.number(),
  end_line: z.number(),
  heading_path: z.string(),
});
/** The columns a search reads back: the row without its vector, which only the distance needs (and would be copied into JS per candidate). */
const CHUNK_COLUMNS = Object.keys(chunkRowSchema.shape);
const keyRowSchema = chunkRowSchema.pick({ id: true, source: true, file_hash: true, chunk_index: true });
const hybridRowSchema = chunkRowSchema.extend({ _rowid: z.union([z.bigint(), z.number()]), _relevance_score: z.number() });
const vectorRowSchema = z.object({ content_hash: z.string(), vector: z.custom<Iterable<number>>((value) => value !== null && typeof value === 'object' && Symbol.iterator in value) });
const headingPathSchema = z.array(z.string());

/** Values per SQL `IN (…)` list: keeps each statement a reasonable size. */
const SQL_LIST_BATCH = 256;
const FTS_INDEX = 'text_idx';
const VECTOR_INDEX = 'vector_idx';
/** The k of the RRF LanceDB fuses hybrid results with when no reranker is given. */
const LANCEDB_DEFAULT_RRF_K = 60;
/** With a vector index, re-rank this many times the candidates by their exact distance (recall ≈ 0.95 of exact top-10 here). */
const REFINE_FACTOR = 10;

/**
 * The chunks, their vectors and the full-text index in one embedded, on-disk LanceDB table:
 * the only store of what is indexed (the manifest next to it caches file stats and holds the
 * write-ahead intent of a sync). The table's schema metadata records which embedder made it.
 */
export class ChunkTable {
  private constructor(
    private readonly connection: lancedb.Connection,
    private readonly tableName: string,
    private table: lancedb.Table | null,
    /** Null until the first chunks are added. */
    private stampValue: IndexStamp | null,
    private readonly fusion: lancedb.rerankers.Reranker,
    /** LanceDB's own RRF has this k: fuse natively, without the reranker's JS round trip */
    private readonly nativeFusion: boolean,
  ) {}

  /** Opens the table if it exists and checks it is ours (INDEX_MISMATCH) and readable (DATA_INVALID). */
  static async open(directory: string, tableName: string, rrfK: number, remedy: string): Promise<ChunkTable> {
    const connection = await lancedb.connect(directory);
    try {
      const fusion = await lancedb.rerankers.RRFReranker.create(rrfK);
      const nativeFusion = rrfK === LANCEDB_DEFAULT_RRF_K;
      if (!(await connection.tableNames()).includes(tableName)) return new ChunkTable(connection, tableName, null, null, fusion, nativeFusion);
      const table = await damagedAs(() => connection.openTable(tableName), directory, remedy);
      const stamp = readIndexStamp(await damagedAs(() => table.schema(), directory, remedy), directory, remedy);
      return new ChunkTable(connection, tableName, table, stamp, fusion, nativeFusion);
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  get stamp(): IndexStamp | null {
    return this.stampValue;
  }

  async count(): Promise<number> {
    return this.table === null ? 0 : this.table.countRows();
  }

  /** id, source, file hash and position of every row: what the consistency check compares with the manifest. */
  async keys(remedy: string): Promise<ChunkRowKey[]> {
    const table = this.table;
    if (table === null) return [];
    const rows: unknown[] = await damagedAs(() => table.query().select(['id', 'source', 'file_hash', 'chunk_index']).toArray(), this.tableName, remedy);
    return rows.map((row) => {
      const parsed = keyRowSchema.safeParse(row);
      if (!parsed.success) throw new PlugboardError('DATA_INVALID', `A row of the RAG chunk table ${this.tableName} has an unexpected shape; ${remedy}`);
      return { id: parsed.data.id, source: parsed.data.source, fileHash: parsed.data.file_hash, chunkIndex: parsed.data.chunk_index };
    });
  }

  /** Adds rows in one commit; the first add creates the table, stamped with `stamp`. */
  async add(chunks: readonly StoredChunk[], vectors: readonly (readonly number[])[], stamp: IndexStamp): Promise<void> {
    if (chunks.length === 0) return;
    const rows = chunks.map((chunk, i) => toRow(chunk, vectors[i]));
    if (this.table === null) {
      const table = await this.connection.createEmptyTable(this.tableName, chunkTableSchema(stamp));
      this.table = table;
      this.stampValue = stamp;
    }
    await this.table.add(rows);
  }

  /** Vectors already stored for these chunk texts, by content hash: a changed file re-embeds only its new text. */
  async vectorsByContentHash(hashes: readonly string[]): Promise<Map<string, number[]>> {
    const found = new Map<string, number[]>();
    const table = this.table;
    if (table === null) return found;
    const unique = [...new Set(hashes)];
    for (let at = 0; at < unique.length; at += SQL_LIST_BATCH) {
      const list = unique.slice(at, at + SQL_LIST_BATCH).map(sqlString).join(', ');
      const rows: unknown[] = await table.query().where(`content_hash IN (${list})`).select(['content_hash', 'vector']).toArray();
      for (const row of rows) {
        const parsed = vectorRowSchema.parse(row);
        found.set(parsed.content_hash, Array.from(parsed.vector));
      }
    }
    return found;
  }

  async deleteIds(ids: readonly string[]): Promise<void> {
    await this.deleteWhere('id', ids);
  }

  async deleteSources(sources: readonly string[]): Promise<void> {
    await this.deleteWhere('source', sources);
  }

  /** Every row of `source` except those of the file version `keepHash`. */
  async deleteOtherVersions(source: string, keepHash: string): Promise<void> {
    await this.table?.delete(`source = ${sqlString(source)} AND file_hash <> ${sqlString(keepHash)}`);
  }

  /**
   * Keeps the table's indexes whole: the full-text index on the chunk text (created on first use),
   * an IVF-RaBitQ vector index once the table holds `vectorIndexMinRows` rows (below that an exact
   * scan is fast enough), and rows added since folded into both by LanceDB's optimize. `changed`
   * (after a sync wrote rows) runs optimize first, which also compacts the sync's small commits into
   * few fragments, so later scans open few files. Rows outside the full-text index are not reliably found.
   */
  async ensureIndexed(vectorIndexMinRows: number, changed: boolean): Promise<void> {
    const table = this.table;
    if (table === null) return;
    if (changed) await table.optimize();
    const names = new Set((await table.listIndices()).map((index) => index.name));
    let fresh = changed;
    if (!names.has(FTS_INDEX)) {
      // English stemming and stop words: "foxes" finds "fox", "the" finds nothing.
      await table.createIndex('text', { name: FTS_INDEX, config: lancedb.Index.fts({ stem: true, language: 'English', removeStopWords: true, withPosition: false }) });
      fresh = true;
    }
    if (!names.has(VECTOR_INDEX) && (await table.countRows()) >= vectorIndexMinRows) {
      // RaBitQ: builds in about a second for 10k vectors on two cores, where IVF-PQ's k-means takes most of a minute.
      await table.createIndex('vector', { name: VECTOR_INDEX, config: lancedb.Index.ivfRq({ distanceType: 'cosine' }) });
      fresh = true;
    }
    if (fresh) return;
    for (const name of names) {
      if (((await table.indexStats(name))?.numUnindexedRows ?? 0) > 0) {
        await table.optimize();
        return;
      }
    }
  }

  /**
   * One hybrid query: the `candidates` nearest vectors (cosine; approximate once the table has a
   * vector index, then refined by exact distance) and the `candidates` best BM25 matches on the
   * chunk text, fused by LanceDB's RRF, best first. `recordRanks` runs the fusion through a
   * reranker that notes each list's ranks on the way (a JS round trip per query), as does an RRF k
   * other than LanceDB's default; otherwise LanceDB fuses natively. Rows come back without their vectors.
   */
  async hybrid(query: string, vector: readonly number[], candidates: number, recordRanks: boolean): Promise<HybridHit[]> {
    const table = this.table;
    if (table === null) return [];
    const recorder = recordRanks ? new RankRecordingReranker(this.fusion) : null;
    let search = table.query().nearestTo([...vector]).distanceType('cosine').refineFactor(REFINE_FACTOR).fullTextSearch(query, { columns: 'text' }).select(CHUNK_COLUMNS);
    if (recorder !== null) search = search.rerank(recorder);
    else if (!this.nativeFusion) search = search.rerank(this.fusion);
    const rows: unknown[] = await search.withRowId().limit(candidates).toArray();
    return rows.map((row) => {
      const parsed = hybridRowSchema.safeParse(row);
      if (!parsed.success) throw new PlugboardError('DATA_INVALID', 'A hybrid search row of the RAG chunk table has an unexpected shape; the index folder is damaged or from another version. Rebuild the index.');
      const hit: HybridHit = { chunk: fromRow(parsed.data), fused: parsed.data._relevance_score };
      if (recorder !== null) hit.ranks = recorder.ranks.get(BigInt(parsed.data._rowid)) ?? { vectorRank: null, fullTextRank: null };
      return hit;
    });
  }

  /** Drops every chunk (the table itself), for a full reindex. */
  async clear(): Promise<void> {
    if (this.table === null) return;
    this.table.close();
    this.table = null;
    this.stampValue = null;
    await this.connection.dropTable(this.tableName);
  }

  close(): void {
    this.table?.close();
    this.connection.close();
  }

  private async deleteWhere(column: 'id' | 'source', values: readonly string[]): Promise<void> {
    const table = this.table;
    if (table === null) return;
    for (let at = 0; at < values.length; at += SQL_LIST_BATCH) {
      await table.delete(`${column} IN (${values.slice(at, at + SQL_LIST_BATCH).map(sqlString).join(', ')})`);
    }
  }
}

/** LanceDB failures reading a table (missing or garbled files) as DATA_INVALID with the remedy. */
async function damagedAs<T>(read: () => Promise<T>, where: string, remedy: string): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isPlugboardError(error)) throw error;
    throw new PlugboardError('DATA_INVALID', `The RAG chunk table in ${where} cannot be read (${(error as Error).message.split('\n')[0].slice(0, 300)}); ${remedy}`, { cause: error });
  }
}

function toRow(chunk: StoredChunk, vector: readonly number[]): Record<string, unknown> {
  return {
    id: chunk.id,
    source: chunk.source,
    file_hash: chunk.fileHash,
    text: chunk.text,
    content_hash: chunk.contentHash,
    heading_path: JSON.stringify(chunk.headingPath),
    chunk_index: chunk.chunkIndex,
    start_offset: chunk.startOffset,
    end_offset: chunk.endOffset,
    start_line: chunk.startLine,
    end_line: chunk.endLine,
    vector: [...vector],
  };
}

function fromRow(row: z.infer<typeof chunkRowSchema>): StoredChunk {
  const headingPath = headingPathSchema.safeParse(jsonOrUndefined(row.heading_path));
  if (!headingPath.success) {
    throw new PlugboardError('DATA_INVALID', 'A row of the RAG chunk table has an unreadable heading path; the index folder is damaged. Rebuild the index.');
  }
  return {
    id: row.id,
    source: row.source,
    fileHash: row.file_hash,
    text: row.text,
    contentHash: row.content_hash,
    chunkIndex: row.chunk_index,
    startOffset: row.start_offset,
    endOffset: row.end_offset,
    startLine: row.start_line,
    endLine: row.end_line,
    headingPath: headingPath.data,
  };
}

/** A SQL string literal: single quotes doubled. */
function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
