import { PlugboardError, loadModel } from '@plugboard/core';
import type { Model } from '@plugboard/core';
import { PlugboardEmbeddings } from '@plugboard/router';
import { HashedTrigramEmbeddings } from '@plugboard/skills';
import type { TextEmbedder } from '@plugboard/skills';

/** PlugboardEmbeddings that names its model in the index stamp and refuses a query past the model's context. */
class ModelEmbeddings extends PlugboardEmbeddings {
  readonly embedderId: string;

  constructor(private readonly loaded: Model) {
    super({ model: loaded });
    // The weights fingerprint, not the folder name: the same folder with new weights makes other vectors.
    this.embedderId = `plugboard:${loaded.config.architecture}:${loaded.weightsFingerprint.slice(0, 16)}`;
  }

  override async embedQuery(document: string): Promise<number[]> {
    const tokens = this.loaded.tokenizer.encode(document, { addSpecialTokens: true }).length;
    if (tokens >= this.loaded.contextLength) {
      throw new PlugboardError('PROMPT_TOO_LONG', `the query is ${tokens} tokens; the embedding model's context holds ${this.loaded.contextLength - 1}`);
    }
    return super.embedQuery(document);
  }
}

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
  const model = await loadModel(modelDir, { hiddenStates: true });
  return { embeddings: new ModelEmbeddings(model), description: `${modelDir} (mean-pooled last hidden states)`, dispose: () => model.dispose() };
}
