import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPlugboardError } from '@plugboard/core';
import { listCorpusFiles } from './corpus-files.ts';

describe('listCorpusFiles', () => {
  let root: string;
  let outside: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'plugboard-corpus-'));
    outside = await mkdtemp(join(tmpdir(), 'plugboard-outside-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('walks folders for .md, .markdown and .txt files, skipping hidden entries, node_modules and links', async () => {
    for (const path of ['b.md', 'a.txt', 'sub/deep/c.MARKDOWN', 'sub/d.json', '.hidden/e.md', 'node_modules/f.md', '.g.md']) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), 'x');
    }
    await writeFile(join(outside, 'secret.md'), 'x');
    await symlink(join(outside, 'secret.md'), join(root, 'link.md'));
    await symlink(outside, join(root, 'linked-folder'));
    const files = await listCorpusFiles(root);
    expect(files.map((file) => file.path)).toEqual(['a.txt', 'b.md', 'sub/deep/c.MARKDOWN']);
    expect(files[2].absolutePath).toBe(join(root, 'sub', 'deep', 'c.MARKDOWN'));
  });

  it('reports a missing corpus folder with FILE_NOT_FOUND', async () => {
    const error = await listCorpusFiles(join(root, 'missing')).catch((e: unknown) => e);
    expect(isPlugboardError(error, 'FILE_NOT_FOUND')).toBe(true);
  });
});
