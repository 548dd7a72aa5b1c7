import { closeSync, fstatSync, readFileSync } from 'node:fs';
import { PlugboardError, openRegularFile } from '@plugboard/core';

/** Example files are a few kilobytes; refuse anything past this. */
const MAX_EXAMPLE_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads a file of example texts for a manifest field (`routing.examples`,
 * `routing.outOfScope`, a router's out-of-scope texts): one example per line
 * — plain text, or a JSONL `{"text": "..."}` object — blank lines skipped,
 * repeats dropped. A missing file is FILE_NOT_FOUND; anything but a regular file, an
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
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const examples = [...new Set(lines.flatMap((line, i) => (line === '' ? [] : [exampleOf(line, `${path}:${i + 1}`, field)])))];
  if (examples.length === 0) {
    throw new PlugboardError('DATA_INVALID', `${path} (for ${field}) holds no examples; write one example text per line`, { details: { path, field } });
  }
  return examples;
}

/** A line's text: the line itself, or the `text` of a JSON object line. */
function exampleOf(line: string, where: string, field: string): string {
  if (!line.startsWith('{')) return line;
  let text: unknown;
  try {
    text = (JSON.parse(line) as { text?: unknown }).text;
  } catch {
    text = undefined;
  }
  if (typeof text === 'string' && text.trim() !== '') return text.trim();
  throw new PlugboardError('DATA_INVALID', `${where} (for ${field}): a line is plain text or {"text": "..."}`, { details: { path: where, field } });
}
