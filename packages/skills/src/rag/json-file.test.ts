import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isPlugboardError } from '@plugboard/core';
import { readJsonFile, writeJsonFileAtomic } from './json-file.ts';

const schema = z.object({ n: z.number() });
const problem = { code: 'MANIFEST_INVALID', what: 'test file', remedy: 'delete it.' } as const;

describe('json files', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'plugboard-json-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('writes atomically and reads back, leaving no temporary file', async () => {
    await writeJsonFileAtomic(join(folder, 'a.json'), { n: 3 });
    expect(await readJsonFile(join(folder, 'a.json'), schema, problem)).toEqual({ n: 3 });
    expect(await readdir(folder)).toEqual(['a.json']);
  });

  it('returns null for a missing file', async () => {
    expect(await readJsonFile(join(folder, 'none.json'), schema, problem)).toBeNull();
  });

  it('reports broken JSON and a wrong shape with the given code and remedy', async () => {
    await writeFile(join(folder, 'broken.json'), '{"n": 3');
    await writeFile(join(folder, 'shape.json'), '{"n": "three"}');
    for (const name of ['broken.json', 'shape.json']) {
      const error = await readJsonFile(join(folder, name), schema, problem).catch((e: unknown) => e);
      expect(isPlugboardError(error, 'MANIFEST_INVALID')).toBe(true);
      expect((error as Error).message).toContain('delete it.');
    }
  });
});
