import { createHash } from 'node:crypto';
import { closeSync, readSync } from 'node:fs';
import { openRegularFile } from '../../hf/open-regular-file.ts';
import type { FileOpener } from '../../hf/open-regular-file.ts';

const CHUNK_BYTES = 1 << 20;

/** sha256 (hex) of a file's bytes, read in 1 MiB chunks so large adapters never sit in memory whole. */
export function fileSha256(path: string, open: FileOpener = openRegularFile): string {
  const fd = open(path);
  try {
    return openFileSha256(fd);
  } finally {
    closeSync(fd);
  }
}

/** sha256 (hex) of an open file's bytes from its start, in 1 MiB chunks: the file the caller opened, whatever its path now names. */
export function openFileSha256(fd: number): string {
  const hash = createHash('sha256');
  const buffer = new Uint8Array(CHUNK_BYTES);
  for (let position = 0; ; ) {
    const read = readSync(fd, buffer, 0, buffer.length, position);
    if (read === 0) break;
    hash.update(buffer.subarray(0, read));
    position += read;
  }
  return hash.digest('hex');
}
