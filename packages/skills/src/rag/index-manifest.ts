import { z } from 'zod';

export const indexedFileSchema = z.object({
  /** sha256 of the file text when it was indexed. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  mtimeMs: z.number(),
  size: z.number().int().nonnegative(),
  chunkIds: z.array(z.string().min(1)),
});
export type IndexedFile = z.infer<typeof indexedFileSchema>;

/** What an index folder holds: the settings its chunks were made with and, per file, what was indexed. */
export const indexManifestSchema = z.object({
  version: z.literal(1),
  chunkSize: z.number().int().positive(),
  chunkOverlap: z.number().int().nonnegative(),
  /** Length of the stored vectors; null until something has been embedded. */
  dimension: z.number().int().positive().nullable(),
  files: z.record(z.string(), indexedFileSchema),
});
export type IndexManifest = z.infer<typeof indexManifestSchema>;

export function emptyManifest(chunkSize: number, chunkOverlap: number): IndexManifest {
  return { version: 1, chunkSize, chunkOverlap, dimension: null, files: {} };
}
