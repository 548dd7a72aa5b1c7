import { HashedTrigramEmbeddings } from '@plugboard/skills';
import type { TextEmbedder } from '@plugboard/skills';
import { loadModelEmbeddings } from './model-embeddings.ts';

export interface RagEmbedder {
  embeddings: TextEmbedder;
  /** What the embedder is, for the user. */
  description: string;
  dispose(): Promise<void>;
}

/** The base model's mean-pooled hidden states when a model is given; else the lexical trigram fallback. */
export async function ragEmbedder(modelDir: string | undefined): Promise<RagEmbedder> {
  if (modelDir === undefined) {
    return { embeddings: new HashedTrigramEmbeddings(), description: 'hashed word + trigram features (lexical, no model; pass --model DIR for semantic vectors)', dispose: async () => {} };
  }
  return loadModelEmbeddings(modelDir);
}
