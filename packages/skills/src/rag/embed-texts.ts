import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { PlugboardError } from '@plugboard/core';

/**
 * Anything that embeds like LangChain's `Embeddings` (PlugboardEmbeddings, HashedTrigramEmbeddings,
 * any LangChain integration). An `embedderId` names it in the index stamp.
 */
export type TextEmbedder = Pick<EmbeddingsInterface, 'embedDocuments' | 'embedQuery'> & { embedderId?: string };

/** The id an index records for its embedder: the option, else the embedder's own `embedderId`, else its class name. */
export function embedderIdOf(embedder: TextEmbedder, override: string | undefined): string {
  if (override !== undefined) return override;
  if (typeof embedder.embedderId === 'string' && embedder.embedderId !== '') return embedder.embedderId;
  return embedder.constructor.name;
}

/**
 * Embeds texts in batches of `batchSize` (bounding what one call holds in memory) and checks
 * that the embedder kept its promise: one vector per text, all the same length, finite.
 */
export async function embedTexts(embedder: TextEmbedder, texts: readonly string[], batchSize: number): Promise<number[][]> {
  const vectors: number[][] = [];
  for (let at = 0; at < texts.length; at += batchSize) {
    const batch = texts.slice(at, at + batchSize);
    const embedded = await embedder.embedDocuments(batch);
    if (embedded.length !== batch.length) {
      throw new PlugboardError('TOOL_ERROR', `The embedder returned ${embedded.length} vectors for ${batch.length} texts; it must return one per text.`);
    }
    vectors.push(...embedded);
  }
  const dimension = vectors[0]?.length ?? 0;
  for (const vector of vectors) checkVector(vector, dimension);
  return vectors;
}

/** Throws unless `vector` is `dimension` finite numbers (and not empty). */
export function checkVector(vector: readonly number[], dimension: number): void {
  if (vector.length === 0 || vector.length !== dimension || !vector.every(Number.isFinite)) {
    throw new PlugboardError('TOOL_ERROR', `The embedder returned a vector of length ${vector.length} (expected ${dimension}, all finite numbers); check the embedding model.`);
  }
}
