import { z } from 'zod';
import { chunkingFields, overlapBelowSize, overlapBelowSizeIssue } from './chunking-options.ts';

export const docIndexOptionsSchema = z
  .object({
    /** The folder of `.md`/`.markdown`/`.txt` files to index (walked recursively). */
    corpusDir: z.string().min(1),
    /** Where the LanceDB table, the BM25 index and the manifest live; created if missing. */
    indexDir: z.string().min(1),
    tableName: z.string().regex(/^[A-Za-z0-9_-]+$/).default('chunks'),
    ...chunkingFields,
    /** Texts per `embedDocuments` call while syncing. */
    embedBatchSize: z.number().int().positive().default(64),
    /** Discard whatever the index folder holds (e.g. after a corrupt-manifest error); the next sync reindexes everything. */
    reset: z.boolean().default(false),
  })
  .refine(overlapBelowSize, overlapBelowSizeIssue);
export type DocIndexSettings = z.infer<typeof docIndexOptionsSchema>;

export const searchOptionsSchema = z.object({
  /** How many chunks to return. */
  k: z.number().int().min(1).max(100).default(5),
  /** How many hits each retriever (BM25, vector) contributes to the fusion; defaults to max(20, k). */
  candidates: z.number().int().min(1).max(1000).optional(),
});
export type SearchOptions = z.input<typeof searchOptionsSchema>;
