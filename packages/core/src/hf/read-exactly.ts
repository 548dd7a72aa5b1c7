import { readSync } from 'node:fs';
import { corrupt } from './safetensors-header.ts';

const MAX_READ_CHUNK = 1 << 30; // readSync refuses single reads near 2 GiB

/** Fills `target` from `position` of an open file; a short read means the file changed or is truncated. */
export function readExactly(fd: number, path: string, target: Uint8Array, position: number): void {
  let done = 0;
  while (done < target.length) {
    const length = Math.min(MAX_READ_CHUNK, target.length - done);
    const read = readSync(fd, target, done, length, position + done);
    if (read === 0) {
      throw corrupt(path, `expected ${target.length} bytes at offset ${position} but the file ended after ${done} (truncated?)`);
    }
    done += read;
  }
}
