import { readFile, stat } from 'node:fs/promises';
import { chunkDocument } from './chunk-document.ts';
import type { DocumentChunk } from './chunk-document.ts';
import type { ChunkingOptions } from './chunking-options.ts';
import { contentHash } from './content-hash.ts';
import { listCorpusFiles } from './corpus-files.ts';
import type { IndexManifest, IndexedFile } from './index-manifest.ts';

/** A file whose chunks must be (re-)embedded. */
export interface PendingFile {
  path: string;
  hash: string;
  mtimeMs: number;
  size: number;
  isNew: boolean;
  chunks: DocumentChunk[];
}

export interface SyncPlan {
  /** True when the index was chunked with other settings: everything is redone. */
  fullReindex: boolean;
  pending: PendingFile[];
  /** Files kept as they are (their mtime/size refreshed when only those changed). */
  unchanged: Record<string, IndexedFile>;
  removed: string[];
}

/**
 * Compares the corpus folder with the manifest. A file whose mtime and size match the
 * manifest is not read at all; one whose text hashes the same is kept; anything else is chunked.
 */
export async function planSync(corpusDir: string, manifest: IndexManifest, chunking: ChunkingOptions): Promise<SyncPlan> {
  const fullReindex = manifest.chunkSize !== chunking.chunkSize || manifest.chunkOverlap !== chunking.chunkOverlap;
  const known = fullReindex ? {} : manifest.files;
  const plan: SyncPlan = { fullReindex, pending: [], unchanged: {}, removed: [] };
  const present = new Set<string>();
  for (const file of await listCorpusFiles(corpusDir)) {
    present.add(file.path);
    const previous = known[file.path] as IndexedFile | undefined;
    const stats = await stat(file.absolutePath);
    if (previous !== undefined && previous.mtimeMs === stats.mtimeMs && previous.size === stats.size) {
      plan.unchanged[file.path] = previous;
      continue;
    }
    const text = await readFile(file.absolutePath, 'utf8');
    const hash = contentHash(text);
    if (previous !== undefined && previous.hash === hash) {
      plan.unchanged[file.path] = { ...previous, mtimeMs: stats.mtimeMs, size: stats.size };
      continue;
    }
    const chunks = await chunkDocument(file.path, text, chunking);
    plan.pending.push({ path: file.path, hash, mtimeMs: stats.mtimeMs, size: stats.size, isNew: previous === undefined, chunks });
  }
  plan.removed = Object.keys(manifest.files).filter((path) => !present.has(path));
  return plan;
}
