import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import { rejectsWithCode, useTempDir } from '../testing/test-helpers.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import { HubCacheRepo } from './hub-cache.ts';
import type { HubOptions } from './hub-options.ts';
import { pullModel } from './pull-model.ts';
import type { FakeHub, FakeHubFaults, FakeRepo } from './testing/fake-hub-server.ts';
import { fakeRepoFromFolder, startFakeHub } from './testing/fake-hub-server.ts';

const tmp = useTempDir('pull-model');
const fixtureDir = writeFixtureModel(join(tmp, 'fixture'), { ...TINY_SHAPES, seed: 7 }).dir;
const shardedDir = writeFixtureModel(join(tmp, 'sharded'), { ...TINY_SHAPES, seed: 8, shardBytes: 60_000 }).dir;
const weights = readFileSync(join(fixtureDir, 'model.safetensors'));

let hub: FakeHub | undefined;
let caseNo = 0;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

/** A fake hub serving `repos` and a fresh cache folder for one test. */
async function setup(repos: Record<string, FakeRepo>, faults: FakeHubFaults = {}): Promise<{ hub: FakeHub; options: HubOptions & { cacheDir: string } }> {
  hub = await startFakeHub(new Map(Object.entries(repos)), faults);
  return { hub, options: { endpoint: hub.endpoint, cacheDir: join(tmp, `cache-${caseNo++}`), offline: false } };
}

const fixtureRepo = (extra: Partial<FakeRepo> = {}) => ({ ...fakeRepoFromFolder(fixtureDir, { extraFiles: { 'README.md': Buffer.from('# tiny\n') } }), ...extra });

describe('pullModel', () => {
  it('writes the huggingface_hub cache layout: blobs by hash, refs/main, relative snapshot symlinks; only what loading needs', async () => {
    const { options } = await setup({ 'org/tiny': fixtureRepo() });
    const progress = new Map<string, { bytes: number; total: number }>();
    const pulled = await pullModel('org/tiny', { ...options, onProgress: (p) => progress.set(p.file, p) });
    const cache = new HubCacheRepo(options.cacheDir, 'org/tiny');
    expect(cache.root).toBe(join(options.cacheDir, 'models--org--tiny'));
    expect(readFileSync(join(cache.root, 'refs', 'main'), 'utf8')).toBe(pulled.commit);
    expect(pulled.dir).toBe(join(cache.root, 'snapshots', pulled.commit));
    const names = readdirSync(pulled.dir).sort();
    expect(names).toEqual(['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    expect(names).not.toContain('README.md'); // not needed to load
    const link = join(pulled.dir, 'model.safetensors');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    const sha = createHash('sha256').update(weights).digest('hex');
    expect(readlinkSync(link)).toBe(`../../blobs/${sha}`);
    expect(readFileSync(link).equals(weights)).toBe(true);
    // git files are named by their git blob sha1
    const configBytes = readFileSync(join(fixtureDir, 'config.json'));
    const gitSha = createHash('sha1').update(`blob ${configBytes.length}\0`).update(configBytes).digest('hex');
    expect(readlinkSync(join(pulled.dir, 'config.json'))).toBe(`../../blobs/${gitSha}`);
    expect(progress.get('model.safetensors')).toEqual({ file: 'model.safetensors', bytes: weights.length, total: weights.length });
    expect(pulled.files.every((f) => f.downloaded)).toBe(true);
  });

  it('a second pull asks only for the revision and downloads nothing', async () => {
    const { hub, options } = await setup({ 'org/tiny': fixtureRepo() });
    await pullModel('org/tiny', options);
    const before = hub.requests.length;
    const again = await pullModel('org/tiny', options);
    expect(again.fromCache).toBe(true);
    expect(hub.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/models/org/tiny/revision/main']);
  });

  it('pulls the shards a sharded index names, a few files at a time', async () => {
    const { hub, options } = await setup({ 'org/sharded': fakeRepoFromFolder(shardedDir) }, { latencyMs: 50 });
    const pulled = await pullModel('org/sharded', { ...options, concurrency: 2 });
    const shards = readdirSync(shardedDir).filter((f) => /^model-\d+-of-\d+\.safetensors$/.test(f));
    expect(shards.length).toBeGreaterThan(2);
    expect(hub.maxConcurrentGets).toBe(2);
    for (const shard of shards) expect(readFileSync(join(pulled.dir, shard)).equals(readFileSync(join(shardedDir, shard)))).toBe(true);
    expect(existsSync(join(pulled.dir, 'model.safetensors.index.json'))).toBe(true);
  });

  it('a connection dropped mid-file resumes with a Range request and the bytes come out right', async () => {
    const { hub, options } = await setup({ 'org/tiny': fixtureRepo() }, { drop: { file: 'model.safetensors', afterBytes: 10_000, times: 2 } });
    const pulled = await pullModel('org/tiny', options);
    const ranges = hub.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/cdn/')).map((r) => r.range);
    expect(ranges).toHaveLength(3);
    expect(ranges[0]).toBeUndefined();
    // each retry starts where the bytes received so far end (at most 10 000 more per attempt)
    const starts = ranges.slice(1).map((r) => Number(/^bytes=(\d+)-$/.exec(r ?? '')?.[1]));
    expect(starts[0]).toBeGreaterThan(0);
    expect(starts[0]).toBeLessThanOrEqual(10_000);
    expect(starts[1]).toBeGreaterThan(starts[0]!);
    expect(readFileSync(join(pulled.dir, 'model.safetensors')).equals(weights)).toBe(true);
  });

  it('an interrupted pull leaves a .incomplete blob that the next run resumes', async () => {
    const { hub, options } = await setup({ 'org/tiny': fixtureRepo() }, { drop: { file: 'model.safetensors', afterBytes: 4096, times: 1 } });
    const error = await rejectsWithCode(pullModel('org/tiny', { ...options, retries: 0 }), 'HUB_ERROR');
    expect(error.message).toContain('run the same command again to resume from');
    const cache = new HubCacheRepo(options.cacheDir, 'org/tiny');
    const partial = readdirSync(join(cache.root, 'blobs')).find((f) => f.endsWith('.incomplete'));
    const kept = statSync(join(cache.root, 'blobs', partial ?? 'none')).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(4096);
    expect(existsSync(join(cache.root, 'refs', 'main'))).toBe(false);
    const pulled = await pullModel('org/tiny', options);
    expect(hub.requests.filter((r) => r.path.startsWith('/cdn/')).at(-1)?.range).toBe(`bytes=${kept}-`);
    expect(readFileSync(join(pulled.dir, 'model.safetensors')).equals(weights)).toBe(true);
    expect(readdirSync(join(cache.root, 'blobs')).some((f) => f.endsWith('.incomplete'))).toBe(false);
  });

  it('a server that ignores Range gets the whole file again, not a spliced one', async () => {
    const { options } = await setup({ 'org/tiny': fixtureRepo() }, { drop: { file: 'model.safetensors', afterBytes: 5000, times: 1 }, ignoreRange: true });
    const pulled = await pullModel('org/tiny', options);
    expect(readFileSync(join(pulled.dir, 'model.safetensors')).equals(weights)).toBe(true);
  });

  it('bytes that do not match the hash are refused (DOWNLOAD_CORRUPT) and nothing is cached', async () => {
    const { options } = await setup({ 'org/tiny': fixtureRepo() }, { corrupt: new Set(['model.safetensors']) });
    const error = await rejectsWithCode(pullModel('org/tiny', options), 'DOWNLOAD_CORRUPT');
    expect(error.message).toContain('model.safetensors of org/tiny');
    const cache = new HubCacheRepo(options.cacheDir, 'org/tiny');
    const blobs = readdirSync(join(cache.root, 'blobs'));
    expect(blobs.some((b) => /^[0-9a-f]{64}/.test(b))).toBe(false); // neither the blob nor its .incomplete
    expect(existsSync(join(cache.root, 'refs', 'main'))).toBe(false);
    expect(existsSync(join(cache.root, 'snapshots', fixtureRepo().commit, 'model.safetensors'))).toBe(false);
  });

  it('a corrupted git file (sha1 ETag) is refused too', async () => {
    const { options } = await setup({ 'org/tiny': fixtureRepo() }, { corrupt: new Set(['config.json']) });
    await rejectsWithCode(pullModel('org/tiny', options), 'DOWNLOAD_CORRUPT');
  });

  it('401/403 name the repo and say to set HF_TOKEN; the right token is sent as a Bearer header and works', async () => {
    const { hub, options } = await setup({ 'org/gated': fixtureRepo({ token: 'hf_secret' }) });
    const anonymous = await rejectsWithCode(pullModel('org/gated', options), 'HUB_ERROR');
    expect(anonymous.message).toContain('org/gated');
    expect(anonymous.message).toContain('HTTP 401');
    expect(anonymous.message).toContain('HF_TOKEN');
    expect(anonymous.message).toContain('license');
    const wrong = await rejectsWithCode(pullModel('org/gated', { ...options, token: 'hf_wrong' }), 'HUB_ERROR');
    expect(wrong.message).toContain('HTTP 403');
    const pulled = await pullModel('org/gated', { ...options, token: 'hf_secret' });
    expect(existsSync(join(pulled.dir, 'model.safetensors'))).toBe(true);
    expect(hub.requests.filter((r) => !r.path.startsWith('/cdn/')).at(-1)?.authorization).toBe('Bearer hf_secret');
    // the CDN is another origin: the token never goes there
    const cdn = hub.requests.filter((r) => r.path.startsWith('/cdn/'));
    expect(cdn.length).toBeGreaterThan(0);
    expect(cdn.every((r) => r.authorization === undefined)).toBe(true);
  });

  it('404 names the repo, or the revision', async () => {
    const { options } = await setup({ 'org/tiny': fixtureRepo() });
    const repo = await rejectsWithCode(pullModel('org/missing', options), 'HUB_ERROR');
    expect(repo.message).toContain('org/missing');
    expect(repo.message).toContain('not found');
    const revision = await rejectsWithCode(pullModel('org/tiny@v9', options), 'HUB_ERROR');
    expect(revision.message).toContain('revision "v9" of org/tiny');
  });

  it('a revision by tag or commit pulls that commit and writes its ref', async () => {
    const repo = fixtureRepo({ refs: ['v1.0'] });
    const { options } = await setup({ 'org/tiny': repo });
    const tagged = await pullModel('org/tiny@v1.0', options);
    expect(tagged.commit).toBe(repo.commit);
    expect(readFileSync(join(options.cacheDir, 'models--org--tiny', 'refs', 'v1.0'), 'utf8')).toBe(repo.commit);
    const byCommit = await pullModel(`org/tiny@${repo.commit}`, { ...options, offline: true });
    expect(byCommit.dir).toBe(tagged.dir);
  });

  it('a repo with only pickled weights is refused (never unpickled), nothing downloaded', async () => {
    const pickles: FakeRepo = { commit: 'a'.repeat(40), files: new Map([['config.json', Buffer.from('{}')], ['pytorch_model.bin', Buffer.from('not a pickle')]]), lfs: new Set(['pytorch_model.bin']) };
    const { hub, options } = await setup({ 'org/pickles': pickles });
    const error = await rejectsWithCode(pullModel('org/pickles', options), 'UNSUPPORTED_FEATURE');
    expect(error.message).toContain('pytorch_model.bin');
    expect(error.message).toContain('safetensors');
    expect(hub.requests.every((r) => r.path.startsWith('/api/'))).toBe(true);
  });

  it('offline: a cached snapshot serves without any request; no snapshot is a clear error', async () => {
    const { hub, options } = await setup({ 'org/tiny': fixtureRepo() });
    const online = await pullModel('org/tiny', options);
    const before = hub.requests.length;
    const offline = await pullModel('org/tiny', { ...options, offline: true });
    expect(offline.dir).toBe(online.dir);
    expect(hub.requests.length).toBe(before);
    const missing = await rejectsWithCode(pullModel('org/other', { ...options, offline: true }), 'HUB_ERROR');
    expect(missing.message).toContain('HF_HUB_OFFLINE');
    expect(missing.message).toContain('plugboard pull org/other');
  });

  it('an unreachable hub: HUB_ERROR with the HF_HUB_OFFLINE hint, or the cached snapshot when there is one', async () => {
    const { hub, options } = await setup({ 'org/tiny': fixtureRepo() });
    const online = await pullModel('org/tiny', options);
    await hub.close();
    const down = await rejectsWithCode(pullModel('org/never-pulled', options), 'HUB_ERROR');
    expect(down.message).toContain('cannot reach');
    expect(down.message).toContain('HF_HUB_OFFLINE=1');
    expect((await pullModel('org/tiny', options)).dir).toBe(online.dir);
  });

  it('a cache entry whose blob is gone: offline a clear error naming the file, online downloaded again', async () => {
    const { options } = await setup({ 'org/tiny': fixtureRepo() });
    const pulled = await pullModel('org/tiny', options);
    const blob = join(pulled.dir, readlinkSync(join(pulled.dir, 'model.safetensors')));
    rmSync(blob);
    const offline = await rejectsWithCode(pullModel('org/tiny', { ...options, offline: true }), 'HUB_ERROR');
    expect(offline.message).toContain('model.safetensors points to a blob that is missing');
    const again = await pullModel('org/tiny', options);
    expect(again.files.find((f) => f.file === 'model.safetensors')?.downloaded).toBe(true);
    expect(readFileSync(join(again.dir, 'model.safetensors')).equals(weights)).toBe(true);
  });

  it('reuses a blob already in the cache (another revision with the same file) without downloading it', async () => {
    const { hub, options } = await setup({ 'org/tiny': fixtureRepo() });
    await pullModel('org/tiny', options);
    hub.repos.set('org/tiny', { ...fixtureRepo(), commit: 'b'.repeat(40) });
    const before = hub.requests.length;
    const next = await pullModel('org/tiny', options);
    expect(next.commit).toBe('b'.repeat(40));
    expect(next.files.every((f) => !f.downloaded)).toBe(true);
    expect(hub.requests.slice(before).some((r) => r.method === 'GET' && r.path.includes('/resolve/'))).toBe(false);
  });

  it('follows the relative redirect of a renamed repo (HEAD and GET) and caches under the name asked for', async () => {
    const { options } = await setup({ 'org/new-name': fixtureRepo() }, { renamed: new Map([['org/old-name', 'org/new-name']]) });
    hub!.repos.set('org/old-name', fixtureRepo()); // the listing still answers for the old name
    const pulled = await pullModel('org/old-name', options);
    expect(pulled.dir.startsWith(join(options.cacheDir, 'models--org--old-name'))).toBe(true);
    expect(readFileSync(join(pulled.dir, 'model.safetensors')).equals(weights)).toBe(true);
    expect(hub!.requests.some((r) => r.method === 'HEAD' && r.path.startsWith('/org/new-name/resolve/'))).toBe(true);
  });

  it('refuses what is not an id, and bad options', async () => {
    await rejectsWithCode(pullModel('not an id'), 'INVALID_ARGUMENT');
    await rejectsWithCode(pullModel('org/../etc'), 'INVALID_ARGUMENT');
    await rejectsWithCode(pullModel('org/tiny', { concurrency: 0 }), 'INVALID_ARGUMENT');
  });
});
