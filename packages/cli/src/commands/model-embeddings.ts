import { PlugboardError, loadModel } from '@plugboard/core';
import type { Model } from '@plugboard/core';
import { PlugboardEmbeddings } from '@plugboard/router';

/** PlugboardEmbeddings that names its model in the index stamp and refuses a query past the model's context. */
export class ModelEmbeddings extends PlugboardEmbeddings {
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

export interface LoadedModelEmbeddings {
  embeddings: ModelEmbeddings;
  /** What the embedder is, for the user. */
  description: string;
  dispose(): Promise<void>;
}

/** The base model's mean-pooled last hidden states (`model.embed`) as LangChain embeddings. */
export async function loadModelEmbeddings(modelDir: string): Promise<LoadedModelEmbeddings> {
  const model = await loadModel(modelDir, { hiddenStates: true });
  return { embeddings: new ModelEmbeddings(model), description: `${modelDir} (mean-pooled last hidden states)`, dispose: () => model.dispose() };
}
