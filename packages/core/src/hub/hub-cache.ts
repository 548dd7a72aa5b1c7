import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { SINGLE_WEIGHTS_FILE, SafetensorsIndexSchema, WEIGHTS_INDEX_FILE } from '../hf/safetensors-index.ts';
import { readJsonFile } from '../hf/read-json-file.ts';
import { writeFileAtomic } from '../files/write-file-atomic.ts';
import { isCommitHash } from './model-id.ts';

/**
 * One repo in the huggingface_hub cache, in the layout Python's
 * huggingface_hub writes (so either side reuses the other's downloads):
 *   models--org--name/blobs/<etag>            the bytes, named by LFS sha256 or git blob sha1
 *   models--org--name/refs/<revision>         the commit a branch/tag pointed to
 *   models--org--name/snapshots/<commit>/<f>  relative symlinks to ../../blobs/<etag>
 */
export class HubCacheRepo {
  readonly root: string;

  constructor(
    readonly cacheDir: string,
    readonly repo: string,
  ) {
    this.root = join(cacheDir, `models--${repo.replaceAll('/', '--')}`);
  }

  blobPath(etag: string): string {
    return join(this.root, 'blobs', etag);
  }

  snapshotDir(commit: string): string {
    return join(this.root, 'snapshots', commit);
  }

  /** The commit `revision` names in the cache (a commit hash names itself), or null when unknown. */
  commitOf(revision: string): string | null {
    if (isCommitHash(revision)) return existsSync(this.snapshotDir(revision)) ? revision : null;
    const ref = join(this.root, 'refs', revision);
    if (!existsSync(ref)) return null;
    const commit = readFileSync(ref, 'utf8').trim();
    return isCommitHash(commit) ? commit : null;
  }

  writeRef(revision: string, commit: string): void {
    if (revision === commit) return;
    const ref = join(this.root, 'refs', revision);
    mkdirSync(dirname(ref), { recursive: true });
    writeFileAtomic(ref, commit);
  }

  /** The snapshot file, when it is there and its blob too. */
  hasFile(commit: string, file: string): boolean {
    return existsSync(join(this.snapshotDir(commit), file));
  }

  /** Points snapshots/<commit>/<file> at blobs/<etag> with a relative symlink, replacing any old link atomically. */
  linkFile(commit: string, file: string, etag: string): void {
    const link = join(this.snapshotDir(commit), file);
    mkdirSync(dirname(link), { recursive: true });
    const tmp = `${link}.tmp-${process.pid}`;
    symlinkSync(relative(dirname(link), this.blobPath(etag)), tmp);
    renameSync(tmp, link);
  }

  /**
   * What a snapshot lacks to be loaded: config.json and the weights (the
   * index's shards, or model.safetensors), and any file whose blob is gone.
   */
  snapshotProblems(commit: string): string[] {
    const dir = this.snapshotDir(commit);
    if (!existsSync(dir)) return [`snapshot ${commit} is not in the cache`];
    const problems = danglingLinks(dir).map((file) => `${file} points to a blob that is missing`);
    const need = ['config.json'];
    const index = join(dir, WEIGHTS_INDEX_FILE);
    if (existsSync(index)) need.push(...new Set(Object.values(readJsonFile(index, SafetensorsIndexSchema, 'SAFETENSORS_CORRUPT').weight_map)));
    else need.push(SINGLE_WEIGHTS_FILE);
    for (const file of need) if (!existsSync(join(dir, file)) && !problems.some((p) => p.startsWith(`${file} `))) problems.push(`${file} is missing`);
    return problems;
  }
}

/** Snapshot entries (relative paths) whose symlink target does not exist. */
function danglingLinks(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...danglingLinks(dir, rel));
    else if (lstatSync(join(dir, rel)).isSymbolicLink() && !existsSync(join(dir, rel))) out.push(rel);
  }
  return out;
}
