import type { ChunkRowKey } from './chunk-table.ts';
import { chunkIdsOf } from './chunk-id.ts';
import type { ChunkingOptions } from './chunking-options.ts';
import type { IndexManifest, IndexedFile, IntendedFile } from './index-manifest.ts';

/** What opening an index found and did to bring manifest and table back in step. */
export interface ReconcileResult {
  /** The manifest to write: every entry matches the table chunk for chunk, no pending intent. */
  manifest: IndexManifest;
  /** Rows to delete: halves of an interrupted sync, removed files, rows nothing accounts for. */
  deleteIds: string[];
  /** Files whose rows were incomplete: dropped, so the next sync re-embeds them (and nothing else). */
  dropped: string[];
  /** Files of an interrupted sync whose new rows were all written: kept as the new version. */
  rolledForward: string[];
  /** Files of an interrupted sync whose new rows never landed: kept as the old version. */
  rolledBack: string[];
  /** Files the manifest did not know but whose rows form one complete version: kept, re-hashed on the next sync. */
  adopted: string[];
  /** True when the manifest must be written again. */
  changed: boolean;
}

/**
 * Compares the manifest with the rows actually in the table, chunk id by chunk id, and settles
 * every difference without re-embedding anything that is whole:
 * - a file with a write-ahead intent keeps its new version if all its rows landed (a file's rows
 *   are added in one commit), else its old version if that is still whole, else it is dropped;
 * - any other file keeps its manifest entry if every one of its chunk ids is in the table;
 * - rows no kept entry accounts for are deleted.
 */
export function reconcileIndex(manifest: IndexManifest, rows: readonly ChunkRowKey[]): ReconcileResult {
  const bySource = new Map<string, ChunkRowKey[]>();
  for (const row of rows) {
    const list = bySource.get(row.source);
    if (list === undefined) bySource.set(row.source, [row]);
    else list.push(row);
  }
  const pending = manifest.pending ?? {};
  const result: ReconcileResult = {
    manifest: { ...manifest, files: {}, pending: null },
    deleteIds: [],
    dropped: [],
    rolledForward: [],
    rolledBack: [],
    adopted: [],
    changed: manifest.pending !== null,
  };
  const paths = new Set([...Object.keys(manifest.files), ...Object.keys(pending), ...bySource.keys()]);
  for (const path of [...paths].sort()) {
    const present = bySource.get(path) ?? [];
    const committed = manifest.files[path] as IndexedFile | undefined;
    const intent = Object.hasOwn(pending, path) ? pending[path] : undefined;
    const { entry, outcome } = settle(path, present, committed, intent, manifest);
    if (entry !== null) result.manifest.files[path] = entry;
    const keep = new Set(entry === null ? [] : chunkIdsOf(path, entry, manifest));
    const extra = present.filter((row) => !keep.has(row.id)).map((row) => row.id);
    result.deleteIds.push(...extra);
    if (outcome !== 'kept' || extra.length > 0) result.changed = true;
    if (outcome === 'dropped') result.dropped.push(path);
    else if (outcome === 'rolledForward') result.rolledForward.push(path);
    else if (outcome === 'rolledBack') result.rolledBack.push(path);
    else if (outcome === 'adopted') result.adopted.push(path);
  }
  return result;
}

type Outcome = 'kept' | 'rolledForward' | 'rolledBack' | 'adopted' | 'dropped' | 'removed';

function settle(
  path: string,
  present: readonly ChunkRowKey[],
  committed: IndexedFile | undefined,
  intent: IntendedFile | null | undefined,
  chunking: ChunkingOptions,
): { entry: IndexedFile | null; outcome: Outcome } {
  const ids = new Set(present.map((row) => row.id));
  const whole = (file: IndexedFile) => chunkIdsOf(path, file, chunking).every((id) => ids.has(id));
  if (intent === null) return { entry: null, outcome: 'removed' };
  if (intent !== undefined) {
    const written = completeVersion(path, present, intent.hash, chunking);
    if (written !== null) return { entry: { ...intent, chunks: written }, outcome: 'rolledForward' };
    if (committed !== undefined && whole(committed)) return { entry: committed, outcome: 'rolledBack' };
    return { entry: null, outcome: committed === undefined && present.length === 0 ? 'removed' : 'dropped' };
  }
  if (committed !== undefined) return whole(committed) ? { entry: committed, outcome: 'kept' } : { entry: null, outcome: 'dropped' };
  // Rows the manifest never heard of (a lost manifest): keep them if they are one whole version.
  const hashes = new Set(present.map((row) => row.fileHash));
  const [hash] = hashes;
  const chunks = hashes.size === 1 ? completeVersion(path, present, hash, chunking) : null;
  if (chunks !== null) return { entry: { hash, mtimeMs: -1, size: -1, chunks }, outcome: 'adopted' };
  return { entry: null, outcome: 'removed' };
}

/** The chunk count of the version `hash` of `path` if its rows are exactly chunks 0..n-1 (n ≥ 1), else null. */
function completeVersion(path: string, present: readonly ChunkRowKey[], hash: string, chunking: ChunkingOptions): number | null {
  const rows = present.filter((row) => row.fileHash === hash);
  if (rows.length === 0) return null;
  const expected = new Set(chunkIdsOf(path, { hash, chunks: rows.length }, chunking));
  return rows.every((row) => expected.has(row.id)) && new Set(rows.map((row) => row.id)).size === rows.length ? rows.length : null;
}
