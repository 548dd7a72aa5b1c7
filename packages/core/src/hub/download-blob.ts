import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PlugboardError, isPlugboardError } from '../errors/plugboard-error.ts';
import { causeMessage } from '../hf/cause-message.ts';
import { hashForEtag } from './blob-hash.ts';
import type { FileMetadata, HubClient } from './hub-client.ts';
import type { PullProgress } from './hub-options.ts';

/** Bytes gathered before a write: fewer syscalls than one per network chunk. */
const WRITE_BATCH_BYTES = 4 << 20;

export interface DownloadBlobOptions {
  retries: number;
  onProgress?: (progress: PullProgress) => void;
}

/** Bytes of the partial download, 0 when there is none. */
function partialBytes(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** The first byte a 206 answer starts at (`Content-Range: bytes 100-199/200`). */
function rangeStart(response: Response): number | null {
  const match = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
  return match ? Number(match[1]) : null;
}

/**
 * Downloads `file` into `blobPath` the way huggingface_hub does: bytes go to
 * `<blob>.incomplete`, a dropped connection (or an earlier interrupted run)
 * resumes with a Range request, and only content whose size and hash match
 * the ETag is renamed into place. A mismatch deletes the partial file:
 * DOWNLOAD_CORRUPT, nothing cached.
 */
export async function downloadBlob(client: HubClient, file: string, meta: FileMetadata, blobPath: string, options: DownloadBlobOptions): Promise<void> {
  const incomplete = `${blobPath}.incomplete`;
  mkdirSync(dirname(blobPath), { recursive: true });
  let lastError: unknown;
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    let start = partialBytes(incomplete);
    if (start > meta.size) {
      rmSync(incomplete);
      start = 0;
    }
    if (start === meta.size) break;
    try {
      const response = await client.download(meta.commit, file, start);
      // a server that ignores Range sends the whole file again: start over
      const resumed = response.status === 206 && rangeStart(response) === start;
      if (!response.body) throw new Error('the response has no body');
      // received bytes are written in batches, and always before giving up, so a dropped connection keeps every byte that arrived
      const out = await open(incomplete, resumed ? 'a' : 'w');
      let written = resumed ? start : 0;
      let pending: Uint8Array[] = [];
      let pendingBytes = 0;
      const flush = async () => {
        if (pendingBytes === 0) return;
        await out.write(Buffer.concat(pending, pendingBytes));
        written += pendingBytes;
        [pending, pendingBytes] = [[], 0];
        options.onProgress?.({ file, bytes: written, total: meta.size });
      };
      try {
        for await (const chunk of response.body) {
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= WRITE_BATCH_BYTES) await flush();
        }
      } finally {
        // also after a dropped connection: what arrived is a correct prefix to resume from
        await flush();
        await out.close();
      }
      lastError = undefined;
      if (partialBytes(incomplete) >= meta.size) break;
      lastError = new Error(`the connection closed after ${written} of ${meta.size} bytes`);
    } catch (error) {
      if (isPlugboardError(error) && error.code !== 'HUB_ERROR') throw error;
      if (isPlugboardError(error, 'HUB_ERROR') && error.details?.status !== undefined) throw error; // an HTTP refusal, not a dropped connection
      lastError = error;
    }
  }
  if (lastError !== undefined) {
    throw new PlugboardError(
      'HUB_ERROR',
      `downloading ${file} of ${client.repo} failed after ${options.retries + 1} attempts (${causeMessage(lastError)}): run the same command again to resume from ${partialBytes(incomplete)} bytes`,
      { cause: lastError, details: { repo: client.repo, file } },
    );
  }
  await verifyAndPublish(incomplete, blobPath, file, meta, client.repo);
}

async function verifyAndPublish(incomplete: string, blobPath: string, file: string, meta: FileMetadata, repo: string): Promise<void> {
  const size = partialBytes(incomplete);
  const hash = size === meta.size ? await hashForEtag(incomplete, meta.etag, size) : null;
  if (size !== meta.size || (hash !== null && hash !== meta.etag)) {
    rmSync(incomplete, { force: true });
    const what = size !== meta.size ? `${size} bytes instead of ${meta.size}` : `hash ${hash} instead of ${meta.etag}`;
    throw new PlugboardError('DOWNLOAD_CORRUPT', `${file} of ${repo} arrived with ${what}; nothing was cached: run the command again (a mirror or proxy may be serving bad data)`, {
      details: { repo, file, expected: meta.etag },
    });
  }
  renameSync(incomplete, blobPath);
}
