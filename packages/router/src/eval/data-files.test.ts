import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPlugboardError } from '@plugboard/core';
import { parseLabeledJsonl, parseRoutesFile, readLabeledJsonl } from './data-files.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isPlugboardError(error) ? `${error.code}: ${error.message}` : 'not a PlugboardError';
  }
  return undefined;
}

describe('routes files', () => {
  it('accepts an array of routes or an object with out-of-scope texts', () => {
    expect(parseRoutesFile('[{"name":"a","examples":["x"]}]', 'r.json')).toEqual({ routes: [{ name: 'a', examples: ['x'] }], outOfScope: [] });
    expect(parseRoutesFile('{"routes":[{"name":"a","examples":["x"],"keywords":["k"]}],"outOfScope":["o"]}', 'r.json').outOfScope).toEqual(['o']);
  });

  it('rejects malformed routes with DATA_INVALID naming the problem', () => {
    expect(codeOf(() => parseRoutesFile('{not json', 'r.json'))).toMatch(/^DATA_INVALID: r\.json is not valid JSON/);
    expect(codeOf(() => parseRoutesFile('[{"name":"a","examples":"x"}]', 'r.json'))).toMatch(/^DATA_INVALID: .*0\.examples/);
    expect(codeOf(() => parseRoutesFile('[]', 'r.json'))).toMatch(/^DATA_INVALID/);
  });
});

describe('labeled JSONL', () => {
  it('parses lines, skipping blank ones', () => {
    expect(parseLabeledJsonl('{"text":"a","label":"x"}\n\n{"text":"b","label":null}\n', 'd.jsonl')).toEqual([
      { text: 'a', label: 'x' },
      { text: 'b', label: null },
    ]);
  });

  it('names the line of a bad record', () => {
    const data = '{"text":"a","label":"x"}\n{"text":"b"}\n';
    expect(codeOf(() => parseLabeledJsonl(data, 'd.jsonl'))).toMatch(/^DATA_INVALID: d\.jsonl line 2: label/);
    expect(codeOf(() => parseLabeledJsonl('{"text":"a","label":"x"}\n\n{oops', 'd.jsonl'))).toMatch(/^DATA_INVALID: d\.jsonl line 3 is not valid JSON/);
    expect(codeOf(() => parseLabeledJsonl('\n', 'd.jsonl'))).toMatch(/^DATA_INVALID: d\.jsonl has no examples/);
  });

  it('reports a missing file as FILE_NOT_FOUND', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'router-data-'));
    await writeFile(join(dir, 'ok.jsonl'), '{"text":"a","label":null}\n');
    expect(await readLabeledJsonl(join(dir, 'ok.jsonl'))).toHaveLength(1);
    await expect(readLabeledJsonl(join(dir, 'missing.jsonl'))).rejects.toSatisfy((e: unknown) => isPlugboardError(e, 'FILE_NOT_FOUND'));
  });
});
