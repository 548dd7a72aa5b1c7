import { stat } from 'node:fs/promises';
import type { ChunkingOptions } from './chunking-options.ts';
import { contentHash } from './content-hash.ts';
import { listCorpusFiles } from './corpus-files.ts';
import type { IndexManifest, IndexedFile, IntendedFile } from './index-manifest.ts';
import { readCorpusText } from './read-corpus-text.ts';

/** A file whose chunks must be (re-)embedded; its text is read again when its turn comes, so a plan holds no corpus text. */
export interface PendingFile extends IntendedFile {
  path: string;
  absolutePath: string;
  isNew: boolean;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface SyncPlan {
  /** True when the index was chunked with other settings: everything is redone. */
  fullReindex: boolean;
  pending: PendingFile[];
  /** Files kept as they are (their mtime/size refreshed when only those changed). */
  unchanged: Record<string, IndexedFile>;
  /** True when some kept entry only had its mtime/size refreshed. */
  refreshed: boolean;
  /** Indexed files that are gone (or became unreadable as text). */
  removed: string[];
  skipped: SkippedFile[];
}

/**
 * Compares the corpus folder with the manifest. A file whose mtime and size match the manifest
 * is not read at all; one whose text hashes the same is kept; anything else is pending.
 */
export async function planSync(corpusDir: string, manifest: IndexManifest, chunking: ChunkingOptions): Promise<SyncPlan> {
  const fullReindex = manifest.chunkSize !== chunking.chunkSize || manifest.chunkOverlap !== chunking.chunkOverlap;
  const known = fullReindex ? {} : manifest.files;
  const plan: SyncPlan = { fullReindex, pending: [], unchanged: {}, refreshed: false, removed: [], skipped: [] };
  const present = new Set<string>();
  const files = await listCorpusFiles(corpusDir);
  const stats = await statAll(files.map((file) => file.absolutePath));
  for (const [i, file] of files.entries()) {
    const previous = known[file.path] as IndexedFile | undefined;
    const { mtimeMs, size } = stats[i];
    if (previous !== undefined && previous.mtimeMs === mtimeMs && previous.size === size) {
      present.add(file.path);
      plan.unchanged[file.path] = previous;
      continue;
    }
    const read = await readCorpusText(file.absolutePath);
    if ('skip' in read) {
      plan.skipped.push({ path: file.path, reason: read.skip });
      continue;
    }
    present.add(file.path);
    const hash = contentHash(read.text);
    if (previous !== undefined && previous.hash === hash) {
      plan.unchanged[file.path] = { ...previous, mtimeMs, size };
      plan.refreshed = true;
      continue;
    }
    plan.pending.push({ path: file.path, absolutePath: file.absolutePath, hash, mtimeMs, size, isNew: previous === undefined });
  }
  plan.removed = Object.keys(manifest.files).filter((path) => !present.has(path));
  return plan;
}

/** Stats many files, a bounded number at a time: an unchanged re-sync is mostly this, and the calls overlap well. */
async function statAll(paths: readonly string[], concurrency = 64): Promise<{ mtimeMs: number; size: number }[]> {
  const out: { mtimeMs: number; size: number }[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < paths.length; i = next++) {
      const { mtimeMs, size } = await stat(paths[i]);
      out[i] = { mtimeMs, size };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  return out;
}
