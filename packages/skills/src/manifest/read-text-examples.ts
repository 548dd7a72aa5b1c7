import { closeSync, fstatSync, readFileSync } from 'node:fs';
import { PlugboardError, openRegularFile } from '@plugboard/core';

/** Example files are a few kilobytes; refuse anything past this. */
const MAX_EXAMPLE_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads a file of example texts for a manifest field (`routing.examples`,
 * `routing.outOfScope`): one example per line, blank lines skipped, repeats
 * dropped. A missing file is FILE_NOT_FOUND; anything but a regular file, an
 * oversized file or one without examples is DATA_INVALID.
 */
export function readTextExamples(path: string, field: string): string[] {
  const fd = openRegularFile(path, { invalidCode: 'DATA_INVALID' });
  let text: string;
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_EXAMPLE_FILE_BYTES) {
      throw new PlugboardError('DATA_INVALID', `${path} (for ${field}) is ${size} bytes, over ${MAX_EXAMPLE_FILE_BYTES}; examples are short texts, one per line`, {
        details: { path, field },
      });
    }
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  const examples = [...new Set(text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== ''))];
  if (examples.length === 0) {
    throw new PlugboardError('DATA_INVALID', `${path} (for ${field}) holds no examples; write one example text per line`, { details: { path, field } });
  }
  return examples;
}
