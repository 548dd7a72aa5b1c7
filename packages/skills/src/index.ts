// RAG: hybrid (LanceDB vector + native full-text search, fused by LanceDB's RRF) retrieval over an on-disk index
export * from './rag/doc-index.ts';
export * from './rag/doc-index-options.ts';
export * from './rag/search-docs-tool.ts';
export * from './rag/citation.ts';
export * from './rag/hashed-trigram-embeddings.ts';
export * from './rag/doc-index-events.ts';
export type { IndexStamp } from './rag/chunk-table-schema.ts';
export type { RetrieverRanks } from './rag/retriever-ranks.ts';
export type { SkippedFile } from './rag/plan-sync.ts';
export type { ChunkPosition, DocumentChunk } from './rag/chunk-document.ts';
export type { TextEmbedder } from './rag/embed-texts.ts';

// skill packages
export * from './manifest/skill-manifest.ts';
export * from './manifest/generation-defaults.ts';
export * from './manifest/parse-manifest.ts';
export * from './manifest/read-manifest.ts';
export * from './manifest/locate-skill.ts';
export * from './manifest/load-skill.ts';
export * from './manifest/skill.ts';
export * from './manifest/adapter-summary.ts';
export * from './manifest/adapter-capacity.ts';
export * from './manifest/base-model-ref.ts';
export * from './manifest/skill-problems.ts';
export * from './manifest/base-compatibility.ts';
export * from './manifest/package-consistency.ts';
export * from './manifest/read-skill-adapter.ts';
export * from './manifest/skill-json-schema.ts';
export * from './manifest/write-skill-manifest.ts';
export * from './manifest/write-folder-whole.ts';
export * from './manifest/read-text-examples.ts';
export * from './registry/skill-registry.ts';
export * from './registry/skill-route.ts';
export * from './commands/validate-skill.ts';
export * from './commands/inspect-skill.ts';
export * from './commands/command-base.ts';
export * from './commands/init-skill.ts';
export * from './commands/pack-skill.ts';
export * from './commands/install-skill.ts';
export type { SkillProblem } from './manifest/skill-problem.ts';

// types the public API refers to
export type { AdapterWeightsHeader } from './manifest/adapter-weights-header.ts';
export { indexStampSchema } from './rag/chunk-table-schema.ts';
