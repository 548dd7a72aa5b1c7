import { z } from 'zod';

/** The chunking fields, shared by every options schema that chunks. */
export const chunkingFields = {
  /** Most characters in a chunk. */
  chunkSize: z.number().int().min(32).default(1000),
  /** Characters shared by neighbouring chunks, so a sentence cut at a boundary is still found whole. */
  chunkOverlap: z.number().int().nonnegative().default(150),
};

/** The check every schema with `chunkingFields` adds: `.refine(overlapBelowSize, overlapBelowSizeIssue)`. */
export function overlapBelowSize(options: { chunkSize: number; chunkOverlap: number }): boolean {
  return options.chunkOverlap < options.chunkSize;
}
export const overlapBelowSizeIssue = { message: 'chunkOverlap must be smaller than chunkSize', path: ['chunkOverlap'] };

export const chunkingOptionsSchema = z.object(chunkingFields).refine(overlapBelowSize, overlapBelowSizeIssue);
export type ChunkingOptions = z.infer<typeof chunkingOptionsSchema>;
