import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { PlugboardError } from '@plugboard/core';

export const CORPUS_EXTENSIONS = ['.md', '.markdown', '.txt'] as const;

export interface CorpusFile {
  /** Relative to the corpus root, with `/` separators on every platform: the stable key of the file. */
  path: string;
  absolutePath: string;
}

export function isMarkdownPath(path: string): boolean {
  const extension = extname(path).toLowerCase();
  return extension === '.md' || extension === '.markdown';
}

/**
 * Every supported file under `root`, sorted by path. Hidden entries (a leading dot, which
 * also keeps an index folder inside the corpus out) and `node_modules` are skipped;
 * symbolic links are not followed, so nothing outside the root is read.
 */
export async function listCorpusFiles(root: string): Promise<CorpusFile[]> {
  const rootStat = await stat(root).catch(() => null);
  if (rootStat === null || !rootStat.isDirectory()) {
    throw new PlugboardError('FILE_NOT_FOUND', `The corpus folder ${root} does not exist or is not a folder; create it or pass another corpusDir.`);
  }
  const files: CorpusFile[] = [];
  await walk(root, root, files);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function walk(root: string, folder: string, files: CorpusFile[]): Promise<void> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const absolutePath = join(folder, entry.name);
    if (entry.isDirectory()) {
      await walk(root, absolutePath, files);
    } else if (entry.isFile() && (CORPUS_EXTENSIONS as readonly string[]).includes(extname(entry.name).toLowerCase())) {
      files.push({ path: relative(root, absolutePath).split(sep).join('/'), absolutePath });
    }
  }
}
