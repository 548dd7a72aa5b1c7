import { z } from 'zod';

/** What was indexed of one file: its text's hash and how many chunks it gave (chunk ids derive from both). */
export const indexedFileSchema = z.object({
  /** sha256 of the file text when it was indexed. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** -1 when unknown (an entry recovered from the table): the next sync hashes the file instead of trusting its stats. */
  mtimeMs: z.number(),
  size: z.number().int(),
  chunks: z.number().int().nonnegative(),
});
export type IndexedFile = z.infer<typeof indexedFileSchema>;

/** A file version a sync is about to write: everything but its chunk count, known only once it is chunked. */
export const intendedFileSchema = indexedFileSchema.omit({ chunks: true });
export type IntendedFile = z.infer<typeof intendedFileSchema>;

/**
 * What an index folder holds: the chunking settings and, per file, what was indexed (`files`).
 * `pending` is the write-ahead intent of a sync in progress, written before the table changes:
 * per path the version being written, or null for a removal. A sync that dies leaves it behind,
 * and the next open settles each listed file against the table (see reconcile-index.ts).
 */
export const indexManifestSchema = z.object({
  version: z.literal(2),
  chunkSize: z.number().int().positive(),
  chunkOverlap: z.number().int().nonnegative(),
  files: z.record(z.string(), indexedFileSchema),
  pending: z.record(z.string(), intendedFileSchema.nullable()).nullable(),
});
export type IndexManifest = z.infer<typeof indexManifestSchema>;

export function emptyManifest(chunkSize: number, chunkOverlap: number): IndexManifest {
  return { version: 2, chunkSize, chunkOverlap, files: {}, pending: null };
}
