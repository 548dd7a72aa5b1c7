import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { isPlugboardError } from '../errors/plugboard-error.ts';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import { useTempDir } from '../testing/test-helpers.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import { loadModel } from '../runtime/load-model.ts';
import { defaultHfHubCacheDir, resolveHubOptions } from './hub-options.ts';
import { parseHubModelId } from './model-id.ts';
import { resolveModel } from './resolve-model.ts';
import { fakeRepoFromFolder, startFakeHub } from './testing/fake-hub-server.ts';

const tmp = useTempDir('resolve-model');

describe('parseHubModelId', () => {
  it('reads org/name and an optional @revision (branches, tags, commits, refs/pr/N)', () => {
    expect(parseHubModelId('Qwen/Qwen2.5-0.5B-Instruct')).toEqual({ repo: 'Qwen/Qwen2.5-0.5B-Instruct', revision: 'main' });
    expect(parseHubModelId('org/name@v1.0')).toEqual({ repo: 'org/name', revision: 'v1.0' });
    expect(parseHubModelId('org/name@refs/pr/1')).toEqual({ repo: 'org/name', revision: 'refs/pr/1' });
  });

  it('is null for paths and malformed ids', () => {
    for (const value of ['/abs/path', './rel/dir', 'name', 'a/b/c', 'org/..', 'org/x@../y', 'org/na me', '']) expect(parseHubModelId(value), value).toBeNull();
  });
});

describe('hub options from the environment', () => {
  it('takes the cache folder with huggingface_hub precedence: HF_HUB_CACHE, HF_HOME/hub, XDG_CACHE_HOME', () => {
    expect(defaultHfHubCacheDir({ HF_HUB_CACHE: '/c', HF_HOME: '/h' })).toBe('/c');
    expect(defaultHfHubCacheDir({ HF_HOME: '/h' })).toBe(join('/h', 'hub'));
    expect(defaultHfHubCacheDir({ XDG_CACHE_HOME: '/x' })).toBe(join('/x', 'huggingface', 'hub'));
  });

  it('honors HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE, explicit options winning', () => {
    const env = { HF_ENDPOINT: 'https://mirror.example/', HF_TOKEN: 'hf_x', HF_HUB_OFFLINE: '1', HF_HUB_CACHE: '/c' };
    const fromEnv = resolveHubOptions({ concurrency: 4, retries: 4 }, env);
    expect(fromEnv).toMatchObject({ endpoint: 'https://mirror.example', token: 'hf_x', offline: true, cacheDir: '/c' });
    expect(resolveHubOptions({ concurrency: 4, retries: 4, offline: false, endpoint: 'http://127.0.0.1:1' }, env)).toMatchObject({ offline: false, endpoint: 'http://127.0.0.1:1' });
    expect(resolveHubOptions({ concurrency: 4, retries: 4 }, {}).endpoint).toBe('https://huggingface.co');
  });
});

describe('resolveModel / loadModel by id', () => {
  const fixture = writeFixtureModel(join(tmp, 'fixture'), { ...TINY_SHAPES, seed: 11 });
  afterAll(() => vi.unstubAllEnvs());

  it('a local folder is used as it is; anything else that is not an id is FILE_NOT_FOUND', async () => {
    expect(await resolveModel(fixture.dir)).toBe(fixture.dir);
    const error = await resolveModel(join(tmp, 'nope')).catch((e: unknown) => e);
    expect(isPlugboardError(error, 'FILE_NOT_FOUND')).toBe(true);
  });

  it('an id that is neither cached nor a local folder says both', async () => {
    const error = await resolveModel('models/typo', { offline: true, cacheDir: join(tmp, 'empty-cache') }).catch((e: unknown) => e);
    expect(isPlugboardError(error, 'HUB_ERROR')).toBe(true);
    expect((error as Error).message).toContain('HF_HUB_OFFLINE');
    expect((error as Error).message).toContain('no local folder "models/typo"');
  });

  it('pulls an id from the hub named by HF_ENDPOINT into HF_HUB_CACHE, then loads and generates from it; offline it loads from the cache', async () => {
    const hub = await startFakeHub(new Map([['org/tiny', fakeRepoFromFolder(fixture.dir)]]));
    const cacheDir = join(tmp, 'hf-cache');
    vi.stubEnv('HF_ENDPOINT', hub.endpoint);
    vi.stubEnv('HF_HUB_CACHE', cacheDir);
    vi.stubEnv('HF_HUB_OFFLINE', '');
    const graphs = join(tmp, 'graphs');
    try {
      const model = await loadModel('org/tiny', { cacheDir: graphs });
      expect(model.dir.startsWith(join(cacheDir, 'models--org--tiny', 'snapshots'))).toBe(true);
      const local = await loadModel(fixture.dir, { cacheDir: graphs });
      // same weights, same graph: the pulled snapshot is the fixture, byte for byte
      expect(model.weightsFingerprint).toBe(local.weightsFingerprint);
      const pulled = await model.complete('hello', { temperature: 0, maxTokens: 6 });
      const direct = await local.complete('hello', { temperature: 0, maxTokens: 6 });
      expect(pulled.tokens).toHaveLength(6);
      expect(pulled.tokens).toEqual(direct.tokens);
      await Promise.all([model.dispose(), local.dispose()]);
    } finally {
      await hub.close();
    }
    vi.stubEnv('HF_HUB_OFFLINE', '1');
    const offline = await loadModel('org/tiny', { cacheDir: graphs });
    expect((await offline.complete('hello', { temperature: 0, maxTokens: 2 })).tokens).toHaveLength(2);
    await offline.dispose();
  });
});
