import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** How an ETag identifies content: LFS files by sha256, git files by the git blob sha1, anything else not at all. */
export function etagKind(etag: string): 'sha256' | 'git-sha1' | 'opaque' {
  if (/^[0-9a-f]{64}$/.test(etag)) return 'sha256';
  if (/^[0-9a-f]{40}$/.test(etag)) return 'git-sha1';
  return 'opaque';
}

/** The hash the etag promises, computed over the file at `path` (git's "blob <size>\0" prefix for sha1). */
export async function hashForEtag(path: string, etag: string, size: number): Promise<string | null> {
  const kind = etagKind(etag);
  if (kind === 'opaque') return null;
  const hash = createHash(kind === 'sha256' ? 'sha256' : 'sha1');
  if (kind === 'git-sha1') hash.update(`blob ${size}\0`);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
