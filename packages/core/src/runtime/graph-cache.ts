import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Graph } from '../graph/ir.ts';
import { writeOnnxModel } from '../graph/write-onnx-model.ts';
import type { ModelConfig } from '../hf/config.ts';
import type { InferenceBuildOptions } from '../model/build-options.ts';

/** Bumped whenever the builder emits a different graph for the same inputs. */
export const GRAPH_BUILDER_VERSION = 9;

export function defaultGraphCacheDir(): string {
  return process.env.PLUGBOARD_CACHE_DIR ?? join(homedir(), '.cache', 'plugboard', 'graphs');
}

export function graphCacheKey(config: ModelConfig, weightsFingerprint: string, options: InferenceBuildOptions): string {
  const material = JSON.stringify({ v: GRAPH_BUILDER_VERSION, config, weightsFingerprint, options });
  return createHash('sha256').update(material).digest('hex').slice(0, 32);
}

export interface CachedGraph {
  modelPath: string;
  fromCache: boolean;
  /** the build's stamp (build.json) as written, whoever built it */
  stamp: unknown;
}

const MODEL_FILE = 'model.onnx';
const COMPLETE_STAMP = 'build.json';

const isComplete = (dir: string) => existsSync(join(dir, COMPLETE_STAMP)) && existsSync(join(dir, MODEL_FILE));

/**
 * Returns the cached graph for `key`, building and writing it first when
 * absent. A build goes into a folder of its own and is published by one
 * atomic rename: a graph folder is either absent or complete, and a
 * complete one is never removed under a process that may be loading it.
 * When several processes build the same key at once, the first rename wins
 * and the others discard their copy and use the winner's. `stamp` is
 * called after the graph is written (the build may record what it saw
 * while streaming the weights) and stored as build.json.
 */
export async function cachedGraph(
  cacheDir: string,
  key: string,
  build: () => Graph,
  options: { stamp: () => object; force?: boolean },
): Promise<CachedGraph> {
  const dir = join(cacheDir, key);
  const modelPath = join(dir, MODEL_FILE);
  if (!options.force && isComplete(dir)) return { modelPath, fromCache: true, stamp: readStamp(dir) };
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${randomUUID()}`;
  try {
    await writeOnnxModel(build(), { dir: tmp, fileName: MODEL_FILE });
    writeFileSync(join(tmp, COMPLETE_STAMP), JSON.stringify({ ...options.stamp(), builtAt: new Date().toISOString() }, null, 2));
    publish(tmp, dir, options.force ?? false);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { modelPath, fromCache: false, stamp: readStamp(dir) };
}

/**
 * Renames the finished build `tmp` to `dir`. A complete graph already there
 * (another process won) stays, unless `replace` (an explicit rebuild) moves
 * it aside first; an incomplete leftover (an old crash) is moved aside too.
 */
function publish(tmp: string, dir: string, replace: boolean): void {
  if (tryRename(tmp, dir)) return;
  if (isComplete(dir) && !replace) return;
  const aside = `${dir}.old-${process.pid}-${randomUUID()}`;
  tryRename(dir, aside);
  // if yet another process published meanwhile, its complete graph is as good as ours
  tryRename(tmp, dir);
  rmSync(aside, { recursive: true, force: true });
}

/** rename(2), false when the target is a non-empty folder (or vanished) instead of throwing. */
function tryRename(from: string, to: string): boolean {
  try {
    renameSync(from, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') return false;
    throw error;
  }
}

function readStamp(dir: string): unknown {
  try {
    return JSON.parse(readFileSync(join(dir, COMPLETE_STAMP), 'utf8'));
  } catch {
    return null;
  }
}
