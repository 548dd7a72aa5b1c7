import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PlugboardError, isPlugboardError } from '../errors/plugboard-error.ts';
import { readJsonFile } from '../hf/read-json-file.ts';
import { SafetensorsIndexSchema, WEIGHTS_INDEX_FILE } from '../hf/safetensors-index.ts';
import { downloadBlob } from './download-blob.ts';
import { filesToPull, shardsOf } from './files-to-pull.ts';
import { HubCacheRepo } from './hub-cache.ts';
import { HubClient } from './hub-client.ts';
import type { HubOptions, ResolvedHubOptions } from './hub-options.ts';
import { HubOptionsSchema, resolveHubOptions } from './hub-options.ts';
import { parseHubModelId } from './model-id.ts';
import type { HubModelId } from './model-id.ts';

export interface PulledFile {
  file: string;
  size: number;
  /** false when the snapshot or the blob was already in the cache */
  downloaded: boolean;
}

export interface PulledModel {
  /** the snapshot folder: a Hugging Face model folder loadModel opens */
  dir: string;
  repo: string;
  revision: string;
  commit: string;
  /** the files fetched this time (empty when offline or already complete) */
  files: PulledFile[];
  fromCache: boolean;
}

/** Runs `task` over `items`, at most `limit` at a time, in order of start. */
async function eachLimited<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function parseId(id: string): HubModelId {
  const parsed = parseHubModelId(id);
  if (!parsed) throw new PlugboardError('INVALID_ARGUMENT', `"${id}" is not a Hugging Face model id: write org/name or org/name@revision`);
  return parsed;
}

/** The cached snapshot of `id`, or a HUB_ERROR saying why it cannot be used (and what to do). */
function cachedSnapshot(cache: HubCacheRepo, { repo, revision }: HubModelId, why: string): PulledModel {
  const commit = cache.commitOf(revision);
  if (commit === null) {
    throw new PlugboardError('HUB_ERROR', `${why}, and ${repo}@${revision} is not in the Hugging Face cache (${cache.cacheDir}): run \`plugboard pull ${repo}@${revision}\` with network access first`, {
      details: { repo, revision, cacheDir: cache.cacheDir },
    });
  }
  const problems = cache.snapshotProblems(commit);
  if (problems.length > 0) {
    throw new PlugboardError('HUB_ERROR', `${why}, and the cached snapshot of ${repo}@${revision} is incomplete (${problems.join('; ')}): pull it again with network access`, {
      details: { repo, revision, commit, problems },
    });
  }
  return { dir: cache.snapshotDir(commit), repo, revision, commit, files: [], fromCache: true };
}

/**
 * Pulls a model from the Hugging Face hub (or HF_ENDPOINT's mirror) into the
 * huggingface_hub cache and returns its snapshot folder. Only what loading
 * needs is fetched; files already cached are not fetched again. Offline
 * (HF_HUB_OFFLINE=1) or when the hub cannot be reached, a complete cached
 * snapshot is used instead.
 */
export async function pullModel(id: string, options: HubOptions = {}): Promise<PulledModel> {
  const parsedOptions = HubOptionsSchema.safeParse(options);
  if (!parsedOptions.success) {
    throw new PlugboardError('INVALID_ARGUMENT', `invalid hub options: ${parsedOptions.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const resolved = resolveHubOptions(parsedOptions.data);
  const modelId = parseId(id);
  const cache = new HubCacheRepo(resolved.cacheDir, modelId.repo);
  if (resolved.offline) return cachedSnapshot(cache, modelId, 'HF_HUB_OFFLINE is set');
  const client = new HubClient(resolved, modelId.repo);
  let info;
  try {
    info = await client.revisionInfo(modelId.revision);
  } catch (error) {
    // no network: a complete cached snapshot still serves, as huggingface_hub does
    if (isPlugboardError(error, 'HUB_ERROR') && error.details?.status === undefined && cache.commitOf(modelId.revision) !== null) {
      return cachedSnapshot(cache, modelId, error.message);
    }
    throw error;
  }
  const commit = info.sha;
  const fetchFiles = (files: string[]) => eachLimited(files, resolved.concurrency, (file) => pullFile(client, cache, commit, file, resolved));
  const first = await fetchFiles(filesToPull(modelId.repo, modelId.revision, info.siblings.map((s) => s.rfilename)));
  const dir = cache.snapshotDir(commit);
  const indexPath = join(dir, WEIGHTS_INDEX_FILE);
  const shards = first.some((f) => f.file === WEIGHTS_INDEX_FILE) ? shardsOf(readJsonFile(indexPath, SafetensorsIndexSchema, 'SAFETENSORS_CORRUPT'), modelId.repo) : [];
  const rest = await fetchFiles(shards);
  // the ref moves only once the snapshot is complete, so an interrupted pull never shadows a good one
  cache.writeRef(modelId.revision, commit);
  const files = [...first, ...rest];
  return { dir, repo: modelId.repo, revision: modelId.revision, commit, files, fromCache: files.every((f) => !f.downloaded) };
}

/** One file into the cache: skipped when its snapshot link already resolves, linked when its blob is there, else downloaded. */
async function pullFile(client: HubClient, cache: HubCacheRepo, commit: string, file: string, options: ResolvedHubOptions): Promise<PulledFile> {
  if (cache.hasFile(commit, file)) return { file, size: 0, downloaded: false };
  const meta = await client.fileMetadata(commit, file);
  const blob = cache.blobPath(meta.etag);
  const downloaded = !existsSync(blob);
  if (downloaded) await downloadOnce(blob, () => downloadBlob(client, file, meta, blob, { retries: options.retries, onProgress: options.onProgress }));
  cache.linkFile(commit, file, meta.etag);
  return { file, size: meta.size, downloaded };
}

/** Two files with the same content share one blob: the second waits for the first's download. */
const inFlight = new Map<string, Promise<void>>();
async function downloadOnce(blob: string, download: () => Promise<void>): Promise<void> {
  const running = inFlight.get(blob);
  if (running) return running;
  const promise = download().finally(() => inFlight.delete(blob));
  inFlight.set(blob, promise);
  return promise;
}
