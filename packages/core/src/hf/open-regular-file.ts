import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { PlugboardError } from '../errors/plugboard-error.ts';
import type { ErrorCode } from '../errors/plugboard-error.ts';

/** Opens a file for reading and returns its descriptor; readers take one so a caller can confine where files come from. */
export type FileOpener = (path: string) => number;

export interface OpenRegularFileOptions {
  /** the code for "this is not a regular file" (default INVALID_ARGUMENT) */
  invalidCode?: ErrorCode;
  /** extra open(2) flags, e.g. fs.constants.O_NOFOLLOW */
  flags?: number;
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device file';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Opens `path` read-only, refusing anything but a regular file. O_NONBLOCK
 * keeps a FIFO from blocking the open (its read would hang forever), and the
 * check is made on the opened descriptor, so what was checked is what is read.
 */
export function openRegularFile(path: string, options: OpenRegularFileOptions = {}): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (options.flags ?? 0));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PlugboardError('FILE_NOT_FOUND', `${path} does not exist`, { cause, details: { path } });
    throw cause;
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw new PlugboardError(options.invalidCode ?? 'INVALID_ARGUMENT', `${path} is ${kindOf(stat)}; only regular files are read here: replace it with the file itself`, {
      details: { path },
    });
  }
  return fd;
}
