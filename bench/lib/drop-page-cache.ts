import { execFileSync } from 'node:child_process';
import { closeSync, fsyncSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes of `path` resident in the page cache per util-linux `fincore`, or null when fincore is not installed. */
export function residentBytes(path: string): number | null {
  try {
    return Number(execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', path], { encoding: 'utf8' }).trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Evicts every file of `dir` from the page cache, so the next read comes from
 * the disk: fsync first (dirty pages cannot be dropped), then GNU dd's
 * `iflag=nocache count=0`, which calls posix_fadvise(POSIX_FADV_DONTNEED) on
 * the whole file. Returns the bytes still resident afterwards (null without fincore).
 */
export function dropFromPageCache(dir: string): number | null {
  let resident: number | null = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    const fd = openSync(path, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    execFileSync('dd', [`if=${path}`, 'iflag=nocache', 'count=0', 'status=none']);
    const left = residentBytes(path);
    resident = left === null || resident === null ? null : resident + left;
  }
  return resident;
}
