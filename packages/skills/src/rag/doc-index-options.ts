import { z } from 'zod';
import { chunkingFields, overlapBelowSize, overlapBelowSizeIssue } from './chunking-options.ts';

export const docIndexOptionsSchema = z
  .object({
    /** The folder of `.md`/`.markdown`/`.txt` files to index (walked recursively); needed by sync(), not by search(). */
    corpusDir: z.string().min(1).optional(),
    /** Where the LanceDB table and the manifest live; created if missing. */
    indexDir: z.string().min(1),
    tableName: z.string().regex(/^[A-Za-z0-9_-]+$/).default('chunks'),
    ...chunkingFields,
    /** Texts per `embedDocuments` call while syncing. */
    embedBatchSize: z.number().int().positive().default(64),
    /** About how many chunks one table commit holds (whole files only): bounds a sync's memory whatever the corpus size. */
    commitChunks: z.number().int().positive().default(1024),
    /** Discard whatever the index folder holds (a corrupt or foreign table, another embedder); the next sync reindexes everything. */
    reset: z.boolean().default(false),
    /** Names the embedder in the table's stamp; defaults to the embedder's `embedderId`, else its class name. */
    embedderId: z.string().min(1).optional(),
    /** The k of LanceDB's reciprocal-rank fusion, Σ 1 / (k + rank): larger flattens the weight of top ranks. */
    rrfK: z.number().positive().default(60),
    /** Rows from which the table gets an approximate (IVF-RaBitQ) vector index; below, vector search is an exact scan. */
    vectorIndexMinRows: z.number().int().positive().default(4096),
    /** Longest query accepted, in characters (an embedder has a context; a query is not a document). */
    maxQueryChars: z.number().int().positive().default(2000),
  })
  .refine(overlapBelowSize, overlapBelowSizeIssue);
export type DocIndexSettings = z.infer<typeof docIndexOptionsSchema>;

export const searchOptionsSchema = z.object({
  /** How many chunks to return. */
  k: z.number().int().min(1).max(100).default(5),
  /** How many hits each retriever (vector, full text) contributes to the fusion; defaults to max(20, k). */
  candidates: z.number().int().min(1).max(1000).optional(),
  /**
   * Also report where each hit stood in the vector and the full-text list (`scores.ranks`). Off by
   * default: LanceDB fuses the lists natively, and recording the ranks means handing both lists to a
   * JS reranker, a round trip that costs about a third of a query's tail latency at 100k chunks.
   */
  ranks: z.boolean().default(false),
});
export type SearchOptions = z.input<typeof searchOptionsSchema>;
