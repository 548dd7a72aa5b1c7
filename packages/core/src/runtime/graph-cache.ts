import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Graph } from '../graph/ir.ts';
import { writeOnnxModel } from '../graph/write-onnx-model.ts';
import type { ModelConfig } from '../hf/config.ts';
import type { InferenceBuildOptions } from '../model/build-options.ts';

/** Bumped whenever the builder emits a different graph for the same inputs. */
export const GRAPH_BUILDER_VERSION = 8;

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
}

const MODEL_FILE = 'model.onnx';
const COMPLETE_STAMP = 'build.json';

/**
 * Returns the cached graph for `key`, building and writing it first when
 * absent. A build lands in a temporary folder renamed into place at the end,
 * so an interrupted build is never mistaken for a finished one.
 */
export async function cachedGraph(
  cacheDir: string,
  key: string,
  build: () => Graph,
  options: { stamp: object; force?: boolean },
): Promise<CachedGraph> {
  const dir = join(cacheDir, key);
  const modelPath = join(dir, MODEL_FILE);
  if (!options.force && existsSync(join(dir, COMPLETE_STAMP)) && existsSync(modelPath)) return { modelPath, fromCache: true };
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeOnnxModel(build(), { dir: tmp, fileName: MODEL_FILE });
    writeFileSync(join(tmp, COMPLETE_STAMP), JSON.stringify({ ...options.stamp, builtAt: new Date().toISOString() }, null, 2));
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  return { modelPath, fromCache: false };
}
