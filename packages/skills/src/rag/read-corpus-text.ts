import { readFile } from 'node:fs/promises';

export type CorpusText = { text: string } | { skip: string };

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A corpus file's text, or why it is skipped: a NUL byte means binary (no text format we index
 * has one), and bytes that are not valid UTF-8 would index as replacement-character garbage.
 */
export async function readCorpusText(absolutePath: string): Promise<CorpusText> {
  const bytes = await readFile(absolutePath);
  if (bytes.includes(0)) return { skip: 'binary (contains NUL bytes)' };
  try {
    return { text: UTF8.decode(bytes) };
  } catch {
    return { skip: 'not valid UTF-8' };
  }
}
