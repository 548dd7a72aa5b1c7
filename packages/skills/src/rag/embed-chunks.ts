import type { ChunkTable } from './chunk-table.ts';
import { embedTexts } from './embed-texts.ts';
import type { TextEmbedder } from './embed-texts.ts';

export interface EmbeddedChunks {
  vectors: number[][];
  embedded: number;
  reused: number;
}

/**
 * Vectors for chunk texts, cached by content hash: a text whose vector the table already holds
 * (an edited file's untouched paragraphs) is not embedded again, and a text repeated within the
 * batch is embedded once. Sound because a table only ever holds vectors of one embedder (its stamp).
 */
export async function embedChunks(
  embedder: TextEmbedder,
  table: ChunkTable | null,
  chunks: readonly { text: string; contentHash: string }[],
  batchSize: number,
): Promise<EmbeddedChunks> {
  const known = table === null ? new Map<string, number[]>() : await table.vectorsByContentHash(chunks.map((chunk) => chunk.contentHash));
  const reused = chunks.filter((chunk) => known.has(chunk.contentHash)).length;
  const missing = new Map<string, string>();
  for (const chunk of chunks) if (!known.has(chunk.contentHash)) missing.set(chunk.contentHash, chunk.text);
  const fresh = await embedTexts(embedder, [...missing.values()], batchSize);
  [...missing.keys()].forEach((hash, i) => known.set(hash, fresh[i]));
  return { vectors: chunks.map((chunk) => known.get(chunk.contentHash) as number[]), embedded: missing.size, reused };
}
