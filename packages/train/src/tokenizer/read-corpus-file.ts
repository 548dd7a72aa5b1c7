import { readFileSync, statSync } from 'node:fs';
import { PlugboardError } from '@plugboard/core';

// Fatal: a corpus in another encoding should fail loudly, not train on U+FFFD.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Fails unless `path` is an existing regular file. */
export function assertCorpusFile(path: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (cause) {
    throw new PlugboardError('FILE_NOT_FOUND', `Corpus file "${path}" does not exist; check the --input path.`, { cause });
  }
  if (!isFile) {
    throw new PlugboardError('INVALID_ARGUMENT', `Corpus path "${path}" is not a file; pass text files, not folders.`);
  }
}

/** Reads a training text file; it must exist and be valid UTF-8 (a leading BOM is dropped). */
export function readCorpusFile(path: string): string {
  assertCorpusFile(path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new PlugboardError('INVALID_ARGUMENT', `Corpus file "${path}" cannot be read; check its permissions.`, { cause });
  }
  try {
    return strictUtf8.decode(bytes);
  } catch (cause) {
    throw new PlugboardError('DATA_INVALID', `Corpus file "${path}" is not valid UTF-8 text; convert it to UTF-8 first.`, {
      cause,
    });
  }
}
