// RAG: hybrid (BM25 + vector, reciprocal-rank fusion) retrieval over an on-disk LanceDB index
export * from './rag/doc-index.ts';
export * from './rag/doc-index-options.ts';
export * from './rag/search-docs-tool.ts';
export * from './rag/hashed-trigram-embeddings.ts';
export * from './rag/bm25-index.ts';
export * from './rag/reciprocal-rank-fusion.ts';
export type { ChunkPosition, DocumentChunk } from './rag/chunk-document.ts';
export type { TextEmbedder } from './rag/embed-texts.ts';
