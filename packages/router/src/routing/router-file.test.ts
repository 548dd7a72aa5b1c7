import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPlugboardError } from '@plugboard/core';
import { generateMultiDomainDataset } from '../datasets/multi-domain/generate-multi-domain.ts';
import { fitRouterFile, loadRouterFile, readRouterFile, writeRouterFile } from './router-file.ts';

const dataset = generateMultiDomainDataset({ seed: 4, trainPerRoute: 30, testPerRoute: 5, outOfScopeForCalibration: 40, outOfScopeForTest: 20 });
const input = { routes: dataset.routes, outOfScope: dataset.outOfScope };

describe('router files', () => {
  it('store a fitted router that decides exactly as the one fitted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'router-file-'));
    const path = join(dir, 'router.json');
    const { file, router } = await fitRouterFile(input);
    writeRouterFile(path, file);
    const loaded = await loadRouterFile(path, input);
    expect(loaded.refitted).toBe(false);
    for (const { text } of dataset.test) expect(loaded.router.route(text)).toEqual(router.route(text));
  });

  it('are fitted again (and rewritten) when the routes change, and fitted when missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'router-file-'));
    const path = join(dir, 'router.json');
    const first = await loadRouterFile(path, input);
    expect(first.refitted).toBe(true);
    const changed = { ...input, routes: input.routes.map((r, i) => (i === 0 ? { ...r, examples: [...r.examples, 'one more example'] } : r)) };
    const second = await loadRouterFile(path, changed);
    expect(second.refitted).toBe(true);
    expect(readRouterFile(path).fingerprint).toBe(second.file.fingerprint);
    expect(second.file.fingerprint).not.toBe(first.file.fingerprint);
    expect((await loadRouterFile(path, changed)).refitted).toBe(false);
  });

  it('refuse files that are not router files or whose weights do not fit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'router-file-'));
    const codeOf = async (text: string) => {
      const path = join(dir, `bad-${Math.random()}.json`);
      writeFileSync(path, text);
      try {
        await loadRouterFile(path);
        return 'loaded';
      } catch (error) {
        return isPlugboardError(error) ? error.code : String(error);
      }
    };
    expect(await codeOf('not json')).toBe('DATA_INVALID');
    expect(await codeOf('{"format":"plugboard-router","version":2}')).toBe('DATA_INVALID');
    const { file } = await fitRouterFile(input);
    const truncated = { ...file, router: { ...file.router, model: { ...file.router.model, weights: file.router.model.weights.slice(0, 40) } } };
    expect(await codeOf(JSON.stringify(truncated))).toBe('DATA_INVALID');
    const path = join(dir, 'ok.json');
    writeRouterFile(path, file);
    expect(JSON.parse(readFileSync(path, 'utf8')).version).toBe(1);
    expect(await codeOf(readFileSync(path, 'utf8'))).toBe('loaded');
    await expect(loadRouterFile(join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});
