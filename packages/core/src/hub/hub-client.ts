import { z } from 'zod';
import { PlugboardError } from '../errors/plugboard-error.ts';
import { hubHttpError, hubUnreachableError } from './hub-errors.ts';
import type { ResolvedHubOptions } from './hub-options.ts';

/** `GET /api/models/{repo}/revision/{revision}`: the commit and the file list (fields we use). */
export const RevisionInfoSchema = z.object({
  sha: z.string().regex(/^[0-9a-f]{40}$/),
  siblings: z.array(z.object({ rfilename: z.string() })),
});
export type RevisionInfo = z.infer<typeof RevisionInfoSchema>;

/** What a HEAD on `/{repo}/resolve/{commit}/{file}` tells, as huggingface_hub reads it. */
export interface FileMetadata {
  commit: string;
  /** LFS files: the sha256 of the content (X-Linked-Etag); git files: the git blob sha1 (ETag) */
  etag: string;
  size: number;
}

const MAX_RELATIVE_REDIRECTS = 5;
const MAX_REDIRECTS = 10;

/** A quoted, maybe weak ETag as a bare value. */
function normalizeEtag(value: string | null): string | null {
  return value ? value.replace(/^W\//, '').replace(/^"|"$/g, '') : null;
}

/** A small client for the hub's file endpoints over Node's fetch. */
export class HubClient {
  constructor(
    readonly options: ResolvedHubOptions,
    readonly repo: string,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    // identity: sizes and Range offsets are the stored bytes, never a compressed stream
    return { 'accept-encoding': 'identity', ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}), ...extra };
  }

  resolveUrl(revision: string, file: string): string {
    const path = file.split('/').map(encodeURIComponent).join('/');
    return `${this.options.endpoint}/${this.repo}/resolve/${encodeURIComponent(revision)}/${path}`;
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: this.options.signal });
    } catch (cause) {
      if (this.options.signal?.aborted) throw new PlugboardError('ABORTED', `download of ${this.repo} aborted`, { cause });
      throw hubUnreachableError(this.options.endpoint, this.repo, cause);
    }
  }

  async revisionInfo(revision: string): Promise<RevisionInfo> {
    const url = `${this.options.endpoint}/api/models/${this.repo}/revision/${encodeURIComponent(revision)}`;
    const response = await this.send(url, { headers: this.headers() });
    if (!response.ok) throw hubHttpError(response, { repo: this.repo, revision });
    const parsed = RevisionInfoSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new PlugboardError('HUB_ERROR', `${url} did not answer with a revision's JSON (sha, siblings): is HF_ENDPOINT a Hugging Face hub or mirror?`);
    return parsed.data;
  }

  /** HEAD without following the CDN redirect (its headers carry the LFS hash); relative redirects (renamed repos) are followed. */
  async fileMetadata(commit: string, file: string): Promise<FileMetadata> {
    let url = this.resolveUrl(commit, file);
    for (let hop = 0; ; hop++) {
      const response = await this.send(url, { method: 'HEAD', headers: this.headers(), redirect: 'manual' });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location?.startsWith('/') && hop < MAX_RELATIVE_REDIRECTS) {
        url = new URL(location, url).toString();
        continue;
      }
      if (!response.ok && !(response.status >= 300 && response.status < 400)) throw hubHttpError(response, { repo: this.repo, revision: commit, file });
      const etag = normalizeEtag(response.headers.get('x-linked-etag')) ?? normalizeEtag(response.headers.get('etag'));
      const size = Number(response.headers.get('x-linked-size') ?? response.headers.get('content-length'));
      const repoCommit = response.headers.get('x-repo-commit') ?? commit;
      if (!etag || !Number.isSafeInteger(size) || size < 0) {
        throw new PlugboardError('HUB_ERROR', `the hub sent no ETag or size for ${file} of ${this.repo}: a proxy may strip headers; try HF_ENDPOINT=https://huggingface.co`);
      }
      return { commit: repoCommit, etag, size };
    }
  }

  /**
   * GET the file from byte `start` on (when resuming), following redirects by
   * hand so the token goes only to the hub's own origin, never to the CDN.
   */
  async download(commit: string, file: string, start: number): Promise<Response> {
    const range: Record<string, string> = start > 0 ? { range: `bytes=${start}-` } : {};
    const hubOrigin = new URL(this.options.endpoint).origin;
    let url = this.resolveUrl(commit, file);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const headers = new URL(url).origin === hubOrigin ? this.headers(range) : { 'accept-encoding': 'identity', ...range };
      const response = await this.send(url, { headers, redirect: 'manual' });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        url = new URL(location, url).toString();
        continue;
      }
      if (!response.ok) throw hubHttpError(response, { repo: this.repo, revision: commit, file });
      return response;
    }
    throw new PlugboardError('HUB_ERROR', `${file} of ${this.repo} redirected more than ${MAX_REDIRECTS} times: check HF_ENDPOINT`);
  }
}
