import { describe, expect, it } from 'vitest';
import { chunkIdsOf } from './chunk-id.ts';
import type { ChunkRowKey } from './chunk-table.ts';
import { emptyManifest } from './index-manifest.ts';
import type { IndexManifest } from './index-manifest.ts';
import { reconcileIndex } from './reconcile-index.ts';

const CHUNKING = { chunkSize: 200, chunkOverlap: 40 };
const OLD = 'a'.repeat(64);
const NEW = 'b'.repeat(64);

function rows(source: string, hash: string, chunks: number): ChunkRowKey[] {
  return chunkIdsOf(source, { hash, chunks }, CHUNKING).map((id, chunkIndex) => ({ id, source, fileHash: hash, chunkIndex }));
}

function manifest(files: IndexManifest['files'], pending: IndexManifest['pending'] = null): IndexManifest {
  return { ...emptyManifest(CHUNKING.chunkSize, CHUNKING.chunkOverlap), files, pending };
}

const entry = (hash: string, chunks: number) => ({ hash, mtimeMs: 1, size: 10, chunks });

describe('reconcileIndex', () => {
  it('changes nothing when every listed chunk id is in the table and nothing else is', () => {
    const result = reconcileIndex(manifest({ 'a.md': entry(OLD, 2) }), rows('a.md', OLD, 2));
    expect(result).toMatchObject({ changed: false, deleteIds: [], dropped: [], rolledForward: [], rolledBack: [] });
  });

  it('rolls a file forward only when all its new rows are there, else back to its whole old version', () => {
    const pending = { 'a.md': { hash: NEW, mtimeMs: 2, size: 11 }, 'b.md': { hash: NEW, mtimeMs: 2, size: 11 } };
    const table = [...rows('a.md', OLD, 2), ...rows('a.md', NEW, 3), ...rows('b.md', OLD, 1)];
    const result = reconcileIndex(manifest({ 'a.md': entry(OLD, 2), 'b.md': entry(OLD, 1) }, pending), table);
    expect(result.rolledForward).toEqual(['a.md']);
    expect(result.rolledBack).toEqual(['b.md']);
    expect(result.manifest.files['a.md']).toEqual({ hash: NEW, mtimeMs: 2, size: 11, chunks: 3 });
    expect(result.manifest.files['b.md']).toEqual(entry(OLD, 1));
    expect(result.deleteIds.sort()).toEqual(chunkIdsOf('a.md', { hash: OLD, chunks: 2 }, CHUNKING).sort());
    expect(result.manifest.pending).toBeNull();
  });

  it('drops a file with a missing chunk (same row count, other ids) and deletes rows nothing lists', () => {
    const table = [...rows('a.md', OLD, 3).slice(0, 2), { id: 'stray', source: 'a.md', fileHash: OLD, chunkIndex: 2 }, ...rows('gone.md', OLD, 1)];
    const result = reconcileIndex(manifest({ 'a.md': entry(OLD, 3) }), table);
    expect(result.dropped).toEqual(['a.md']);
    expect(result.manifest.files).toEqual({ 'gone.md': { hash: OLD, mtimeMs: -1, size: -1, chunks: 1 } });
    expect(result.adopted).toEqual(['gone.md']);
    expect(result.deleteIds).toHaveLength(3);
  });

  it('completes an intended removal, and does not adopt rows of two versions or of other chunking', () => {
    const otherChunking = chunkIdsOf('c.md', { hash: OLD, chunks: 1 }, { chunkSize: 100, chunkOverlap: 0 }).map((id) => ({ id, source: 'c.md', fileHash: OLD, chunkIndex: 0 }));
    const table = [...rows('a.md', OLD, 1), ...rows('b.md', OLD, 1), ...rows('b.md', NEW, 1), ...otherChunking];
    const result = reconcileIndex(manifest({ 'a.md': entry(OLD, 1) }, { 'a.md': null }), table);
    expect(result.manifest.files).toEqual({});
    expect(result.deleteIds).toHaveLength(4);
    expect(result.changed).toBe(true);
  });

  it('keeps an empty file (no chunks) as it is', () => {
    const result = reconcileIndex(manifest({ 'empty.md': entry(OLD, 0) }), []);
    expect(result).toMatchObject({ changed: false, dropped: [] });
    expect(result.manifest.files['empty.md']).toEqual(entry(OLD, 0));
  });
});
