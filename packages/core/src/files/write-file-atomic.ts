import { renameSync, writeFileSync } from 'node:fs';

/**
 * Writes `data` beside `path` under a name of its own and renames it into
 * place, so a reader (or a crash) never sees half a file and concurrent
 * writers never share a temporary file.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
