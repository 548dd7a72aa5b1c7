/**
 * Test-only: a Hugging Face hub on 127.0.0.1 (node:http) that serves repos
 * from memory through the endpoints the hub client uses, with injectable
 * faults. Not part of the package's public surface.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface FakeRepo {
  commit: string;
  files: Map<string, Buffer>;
  /** files served as LFS (sha256 ETag, 302 to the CDN); others as git files (sha1 ETag) */
  lfs: Set<string>;
  /** other revision names (branches, tags) for the same commit */
  refs?: string[];
  /** a Bearer token the repo requires (401 without it, 403 with a wrong one) */
  token?: string;
}

export interface FakeHubFaults {
  /** cut the connection after this many body bytes of a file's GET, for the first `times` GETs */
  drop?: { file: string; afterBytes: number; times: number };
  /** serve these files' bytes altered (headers still announce the real hash) */
  corrupt?: Set<string>;
  /** ignore Range headers (answer 200 with the whole file) */
  ignoreRange?: boolean;
  /** wait this long before answering each file GET (to see downloads overlap) */
  latencyMs?: number;
  /** old repo name → new: resolve URLs of the old name answer a relative 307, as the hub does after a rename */
  renamed?: Map<string, string>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  range: string | undefined;
  authorization: string | undefined;
}

export interface FakeHub {
  /** the most file GETs (resolve or CDN) that were in flight at once */
  maxConcurrentGets: number;
  endpoint: string;
  /** where LFS files are served from: another origin, as the hub's CDN is */
  cdnEndpoint: string;
  requests: RecordedRequest[];
  faults: FakeHubFaults;
  repos: Map<string, FakeRepo>;
  close(): Promise<void>;
}

/** Hashes are computed once per buffer: the server answers many requests for the same bytes. */
const hashes = new WeakMap<Buffer, { sha256: string; gitSha1: string }>();
function hashesOf(b: Buffer): { sha256: string; gitSha1: string } {
  let h = hashes.get(b);
  if (!h) {
    h = { sha256: createHash('sha256').update(b).digest('hex'), gitSha1: createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex') };
    hashes.set(b, h);
  }
  return h;
}
const sha256 = (b: Buffer) => hashesOf(b).sha256;
const gitSha1 = (b: Buffer) => hashesOf(b).gitSha1;

/** A repo built from a model folder on disk: *.safetensors as LFS files, the rest as git files. */
export function fakeRepoFromFolder(dir: string, options: { commit?: string; extraFiles?: Record<string, Buffer>; token?: string } = {}): FakeRepo {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir)) files.set(name, readFileSync(join(dir, name)));
  for (const [name, bytes] of Object.entries(options.extraFiles ?? {})) files.set(name, bytes);
  const lfs = new Set([...files.keys()].filter((f) => /\.(safetensors|bin|gguf)$/.test(f)));
  const commit = options.commit ?? createHash('sha1').update([...files.keys()].sort().join('\n')).digest('hex');
  return { commit, files, lfs, token: options.token };
}

function findRepo(repos: Map<string, FakeRepo>, org: string, name: string, revision: string): { repo: FakeRepo | undefined; revisionKnown: boolean } {
  const repo = repos.get(`${org}/${name}`);
  if (!repo) return { repo: undefined, revisionKnown: false };
  return { repo, revisionKnown: revision === 'main' || revision === repo.commit || (repo.refs ?? []).includes(revision) };
}

/** 401/403 like the hub when the repo wants a token; false when the request may go on. */
function refused(repo: FakeRepo, req: IncomingMessage, res: ServerResponse): boolean {
  if (!repo.token) return false;
  const auth = req.headers.authorization;
  if (auth === `Bearer ${repo.token}`) return false;
  res.writeHead(auth ? 403 : 401, { 'x-error-code': 'GatedRepo', 'x-error-message': 'Access to this model is restricted' }).end();
  return true;
}

function serveBytes(req: IncomingMessage, res: ServerResponse, bytes: Buffer, file: string, faults: FakeHubFaults, extra: Record<string, string>): void {
  let body = faults.corrupt?.has(file) ? Buffer.from(bytes.map((b, i) => (i === 0 ? b ^ 0xff : b))) : bytes;
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  let status = 200;
  const headers: Record<string, string> = { ...extra, 'accept-ranges': 'bytes' };
  if (range && !faults.ignoreRange) {
    const start = Number(range[1]);
    if (start >= bytes.length) {
      res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
      return;
    }
    headers['content-range'] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`;
    body = body.subarray(start);
    status = 206;
  }
  headers['content-length'] = String(body.length);
  res.writeHead(status, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const drop = faults.drop;
  if (drop && drop.file === file && drop.times > 0 && body.length > drop.afterBytes) {
    drop.times--;
    // give the client time to read what was sent before the socket goes, as after a real outage
    res.write(body.subarray(0, drop.afterBytes), () => setTimeout(() => res.destroy(), 100));
    return;
  }
  res.end(body);
}

export async function startFakeHub(repos: Map<string, FakeRepo>, faults: FakeHubFaults = {}): Promise<FakeHub> {
  const requests: RecordedRequest[] = [];
  const blobs = () => new Map([...repos.values()].flatMap((r) => [...r.files].map(([file, bytes]) => [sha256(bytes), { file, bytes }] as const)));
  let inFlight = 0;
  const hub = { maxConcurrentGets: 0 };
  /** Counts a file GET as in flight until its response ends, after the configured latency. */
  const fileGet = (req: IncomingMessage, res: ServerResponse, serve: () => void) => {
    if (req.method !== 'GET') return serve();
    inFlight++;
    hub.maxConcurrentGets = Math.max(hub.maxConcurrentGets, inFlight);
    res.on('close', () => inFlight--);
    setTimeout(serve, faults.latencyMs ?? 0);
  };
  const record = (req: IncomingMessage) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    requests.push({ method: req.method ?? '', path, range: req.headers.range, authorization: req.headers.authorization });
    return path;
  };
  const cdnServer: Server = createServer((req, res) => {
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(record(req));
    const blob = cdn ? blobs().get(cdn[1]!) : undefined;
    if (blob) return fileGet(req, res, () => serveBytes(req, res, blob.bytes, blob.file, faults, {}));
    res.writeHead(404).end();
  });
  const cdnEndpoint = await listen(cdnServer);
  const server: Server = createServer((req, res) => {
    const path = record(req);
    const listing = /^\/api\/models\/([^/]+)\/([^/]+)\/revision\/(.+)$/.exec(path);
    if (listing && req.method === 'GET') {
      const { repo, revisionKnown } = findRepo(repos, listing[1]!, listing[2]!, listing[3]!);
      if (!repo) return void res.writeHead(404, { 'x-error-code': 'RepoNotFound', 'x-error-message': 'Repository not found' }).end();
      if (refused(repo, req, res)) return;
      if (!revisionKnown) return void res.writeHead(404, { 'x-error-code': 'RevisionNotFound', 'x-error-message': 'Invalid rev id' }).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ id: `${listing[1]}/${listing[2]}`, sha: repo.commit, siblings: [...repo.files.keys()].map((rfilename) => ({ rfilename })) }));
    }
    const resolve = /^\/([^/]+)\/([^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const newName = resolve ? faults.renamed?.get(`${resolve[1]}/${resolve[2]}`) : undefined;
    if (resolve && newName) return void res.writeHead(307, { location: `/${newName}/resolve/${resolve[3]}/${resolve[4]}` }).end();
    if (resolve) {
      const { repo, revisionKnown } = findRepo(repos, resolve[1]!, resolve[2]!, resolve[3]!);
      if (!repo) return void res.writeHead(404, { 'x-error-code': 'RepoNotFound' }).end();
      if (refused(repo, req, res)) return;
      const file = resolve[4]!;
      const bytes = repo.files.get(file);
      if (!revisionKnown) return void res.writeHead(404, { 'x-error-code': 'RevisionNotFound' }).end();
      if (!bytes) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end();
      const common = { 'x-repo-commit': repo.commit };
      if (repo.lfs.has(file)) {
        // like the hub: the LFS hash and size ride on the (absolute) redirect to the CDN
        res.writeHead(302, { ...common, location: `${cdnEndpoint}/cdn/${sha256(bytes)}`, 'x-linked-etag': `"${sha256(bytes)}"`, 'x-linked-size': String(bytes.length), etag: `"${gitSha1(bytes)}"` });
        return void res.end();
      }
      return fileGet(req, res, () => serveBytes(req, res, bytes, file, faults, { ...common, etag: `"${gitSha1(bytes)}"` }));
    }
    res.writeHead(404).end();
  });
  const endpoint = await listen(server);
  const closeServer = (s: Server) =>
    new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    });
  return Object.assign(hub, { endpoint, cdnEndpoint, requests, faults, repos, close: async () => void (await Promise.all([closeServer(server), closeServer(cdnServer)])) });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
