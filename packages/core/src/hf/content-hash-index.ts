import { createHash } from 'node:crypto';
import { fstatSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { openFileSha256 } from '../adapters/formats/file-sha256.ts';
import { writeFileAtomic } from '../files/write-file-atomic.ts';
import { defaultGraphCacheDir } from '../runtime/graph-cache.ts';

/** The fingerprint index inside a graph cache folder. */
export function fingerprintIndexDirOf(cacheDir: string): string {
  return join(cacheDir, 'fingerprints');
}

/** The fingerprint index of the default graph cache ($PLUGBOARD_CACHE_DIR or ~/.cache/plugboard/graphs). */
export function defaultFingerprintIndexDir(): string {
  return fingerprintIndexDirOf(defaultGraphCacheDir());
}

/**
 * A file as the OS identifies it: any write moves ctime (which, unlike
 * mtime, cannot be set back), a replacement moves the inode, so equal
 * identities mean equal bytes without reading them.
 */
const FileIdentitySchema = z.object({
  path: z.string(),
  dev: z.string(),
  ino: z.string(),
  size: z.string(),
  mtimeNs: z.string(),
  ctimeNs: z.string(),
});
type FileIdentity = z.infer<typeof FileIdentitySchema>;

const IndexEntrySchema = z.object({ identity: FileIdentitySchema, sha256: z.string().regex(/^[0-9a-f]{64}$/) });

function identityOf(fd: number, path: string): FileIdentity {
  const s = fstatSync(fd, { bigint: true });
  return { path: resolve(path), dev: String(s.dev), ino: String(s.ino), size: String(s.size), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs) };
}

const sameIdentity = (a: FileIdentity, b: FileIdentity) => JSON.stringify(a) === JSON.stringify(b);

/**
 * sha256 of an open file's whole content, hashed once per file identity and
 * remembered in `indexDir` (one small JSON file per identity, written
 * atomically, so concurrent processes never see half an entry). A warm call
 * costs an fstat and a tiny read; an unreadable or unwritable index only
 * means hashing again.
 */
export function contentSha256(fd: number, path: string, indexDir: string): string {
  const identity = identityOf(fd, path);
  const entryPath = join(indexDir, `${createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32)}.json`);
  const remembered = readEntry(entryPath);
  if (remembered && sameIdentity(remembered.identity, identity)) return remembered.sha256;
  const sha256 = openFileSha256(fd);
  // a file written to while it was hashed gets no entry: the next call hashes it again
  if (sameIdentity(identityOf(fd, path), identity)) writeEntry(indexDir, entryPath, { identity, sha256 });
  return sha256;
}

function readEntry(entryPath: string): z.infer<typeof IndexEntrySchema> | null {
  try {
    const parsed = IndexEntrySchema.safeParse(JSON.parse(readFileSync(entryPath, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function writeEntry(indexDir: string, entryPath: string, entry: z.infer<typeof IndexEntrySchema>): void {
  try {
    mkdirSync(indexDir, { recursive: true });
    writeFileAtomic(entryPath, JSON.stringify(entry));
  } catch {
    // a read-only cache only costs the next call a re-hash
  }
}
