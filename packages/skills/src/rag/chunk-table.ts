import * as lancedb from '@lancedb/lancedb';
import { PlugboardError } from '@plugboard/core';
import { z } from 'zod';
import type { DocumentChunk } from './chunk-document.ts';

export interface StoredChunk extends DocumentChunk {
  id: string;
}

export interface VectorHit {
  id: string;
  /** Cosine distance, 1 − cos: 0 for the same direction. */
  distance: number;
}

/** A row as LanceDB returns it (snake_case columns, so SQL filters need no quoting). */
const chunkRowSchema = z.object({
  id: z.string(),
  source: z.string(),
  text: z.string(),
  content_hash: z.string(),
  chunk_index: z.number(),
  start_offset: z.number(),
  end_offset: z.number(),
  start_line: z.number(),
  end_line: z.number(),
  heading_path: z.string(),
});
const CHUNK_COLUMNS = Object.keys(chunkRowSchema.shape);
const vectorHitRowSchema = z.object({ id: z.string(), _distance: z.number() });
const headingPathSchema = z.array(z.string());

/** Sources per SQL `IN (…)` list: keeps each delete statement a reasonable size. */
const DELETE_BATCH = 256;

/** The chunks and their vectors in one embedded, on-disk LanceDB table. */
export class ChunkTable {
  private constructor(
    private readonly connection: lancedb.Connection,
    private readonly tableName: string,
    private table: lancedb.Table | null,
  ) {}

  static async open(directory: string, tableName: string): Promise<ChunkTable> {
    const connection = await lancedb.connect(directory);
    const exists = (await connection.tableNames()).includes(tableName);
    return new ChunkTable(connection, tableName, exists ? await connection.openTable(tableName) : null);
  }

  async count(): Promise<number> {
    return this.table === null ? 0 : this.table.countRows();
  }

  async add(chunks: readonly StoredChunk[], vectors: readonly number[][]): Promise<void> {
    if (chunks.length === 0) return;
    const rows = chunks.map((chunk, i) => toRow(chunk, vectors[i]));
    // LanceDB infers the schema from the first rows, so the table is created with them.
    if (this.table === null) this.table = await this.connection.createTable(this.tableName, rows);
    else await this.table.add(rows);
  }

  async deleteSources(sources: readonly string[]): Promise<void> {
    const table = this.table;
    if (table === null) return;
    for (let at = 0; at < sources.length; at += DELETE_BATCH) {
      const list = sources.slice(at, at + DELETE_BATCH).map(sqlString).join(', ');
      await table.delete(`source IN (${list})`);
    }
  }

  async nearest(vector: readonly number[], limit: number): Promise<VectorHit[]> {
    if (this.table === null) return [];
    const rows: unknown[] = await this.table.vectorSearch([...vector]).distanceType('cosine').select(['id']).limit(limit).toArray();
    return rows.map((row) => vectorHitRowSchema.parse(row)).map((row) => ({ id: row.id, distance: row._distance }));
  }

  async get(ids: readonly string[]): Promise<Map<string, StoredChunk>> {
    const found = new Map<string, StoredChunk>();
    if (this.table === null || ids.length === 0) return found;
    const rows: unknown[] = await this.table.query().where(`id IN (${ids.map(sqlString).join(', ')})`).select(CHUNK_COLUMNS).toArray();
    for (const row of rows) {
      const chunk = fromRow(row);
      found.set(chunk.id, chunk);
    }
    return found;
  }

  /** Drops every chunk (the table itself), for a full reindex. */
  async clear(): Promise<void> {
    if (this.table === null) return;
    this.table.close();
    this.table = null;
    await this.connection.dropTable(this.tableName);
  }

  close(): void {
    this.table?.close();
    this.connection.close();
  }
}

function toRow(chunk: StoredChunk, vector: readonly number[]): Record<string, unknown> {
  return {
    id: chunk.id,
    source: chunk.source,
    text: chunk.text,
    content_hash: chunk.contentHash,
    chunk_index: chunk.chunkIndex,
    start_offset: chunk.startOffset,
    end_offset: chunk.endOffset,
    start_line: chunk.startLine,
    end_line: chunk.endLine,
    heading_path: JSON.stringify(chunk.headingPath),
    vector: [...vector],
  };
}

function fromRow(value: unknown): StoredChunk {
  const parsed = chunkRowSchema.safeParse(value);
  const headingPath = parsed.success ? headingPathSchema.safeParse(safeJson(parsed.data.heading_path)) : null;
  if (!parsed.success || headingPath === null || !headingPath.success) {
    throw new PlugboardError('DATA_INVALID', 'A row of the RAG chunk table has an unexpected shape; the index folder is damaged or from another version. Rebuild the index (DocIndex.rebuild()).');
  }
  const row = parsed.data;
  return {
    id: row.id,
    source: row.source,
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

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A SQL string literal: single quotes doubled. */
function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
