import type { ChunkingOptions } from './chunking-options.ts';
import { contentHash } from './content-hash.ts';

/**
 * Stable for a given file version, chunking and chunk position, so a re-sync of the same text
 * yields the same ids, and chunks cut with other settings never pass for the current ones.
 */
export function chunkId(source: string, fileHash: string, chunkIndex: number, chunking: ChunkingOptions): string {
  return contentHash(`${source}\n${fileHash}\n${chunking.chunkSize}/${chunking.chunkOverlap}\n${chunkIndex}`).slice(0, 32);
}

/** The ids of every chunk of one file version. */
export function chunkIdsOf(source: string, file: { hash: string; chunks: number }, chunking: ChunkingOptions): string[] {
  return Array.from({ length: file.chunks }, (_, i) => chunkId(source, file.hash, i, chunking));
}
