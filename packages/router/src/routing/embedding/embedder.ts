import type { EmbeddingsInterface } from '@langchain/core/embeddings';

/** Anything that embeds texts; LangChain `Embeddings` instances fit as they are. */
export type Embedder = Pick<EmbeddingsInterface, 'embedDocuments' | 'embedQuery'>;
