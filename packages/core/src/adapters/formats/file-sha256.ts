import { createHash } from 'node:crypto';
import { closeSync, readSync } from 'node:fs';
import { openRegularFile } from '../../hf/open-regular-file.ts';
import type { FileOpener } from '../../hf/open-regular-file.ts';

const CHUNK_BYTES = 1 << 20;

/** sha256 (hex) of a file's bytes, read in 1 MiB chunks so large adapters never sit in memory whole. */
export function fileSha256(path: string, open: FileOpener = openRegularFile): string {
  const hash = createHash('sha256');
  const fd = open(path);
  try {
    const buffer = new Uint8Array(CHUNK_BYTES);
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
