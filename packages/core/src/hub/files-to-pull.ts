import { PlugboardError } from '../errors/plugboard-error.ts';
import { SINGLE_WEIGHTS_FILE, WEIGHTS_INDEX_FILE } from '../hf/safetensors-index.ts';
import type { SafetensorsIndex } from '../hf/safetensors-index.ts';
import { MODEL_METADATA_FILES } from '../hf/model-metadata-files.ts';

const PICKLE_WEIGHTS = /\.(bin|pt|pth|ckpt|pkl)$/;

/**
 * The files of a repo that loading needs, before the weights' shards are
 * known: the metadata files (MODEL_METADATA_FILES) it has and either the shard index or
 * model.safetensors. Repos with pickled weights only are refused: pickles run
 * code when loaded, and we never unpickle.
 */
export function filesToPull(repo: string, revision: string, repoFiles: string[]): string[] {
  const present = new Set(repoFiles);
  if (!present.has('config.json')) {
    throw new PlugboardError('INVALID_CONFIG', `${repo}@${revision} has no config.json: it is not a transformers model repo (a GGUF repo? download its .gguf file and pass the path)`);
  }
  const weights = present.has(WEIGHTS_INDEX_FILE) ? WEIGHTS_INDEX_FILE : present.has(SINGLE_WEIGHTS_FILE) ? SINGLE_WEIGHTS_FILE : null;
  if (weights === null) {
    const pickles = repoFiles.filter((f) => PICKLE_WEIGHTS.test(f));
    const found = pickles.length > 0 ? `only pickled weights (${pickles.slice(0, 3).join(', ')})` : 'no model.safetensors or model.safetensors.index.json';
    throw new PlugboardError(
      'UNSUPPORTED_FEATURE',
      `${repo}@${revision} has ${found}; Plugboard loads safetensors only and never unpickles: use a revision with safetensors weights (many repos have a refs/pr/N conversion, e.g. ${repo}@refs/pr/1)`,
      { details: { repo, revision } },
    );
  }
  return [...MODEL_METADATA_FILES.filter((f) => present.has(f)), weights];
}

/** The shard files an index names, checked to stay inside the snapshot folder. */
export function shardsOf(index: SafetensorsIndex, repo: string): string[] {
  const shards = [...new Set(Object.values(index.weight_map))].sort();
  for (const shard of shards) {
    if (shard.startsWith('/') || shard.split('/').includes('..') || !shard.endsWith('.safetensors')) {
      throw new PlugboardError('SAFETENSORS_CORRUPT', `${WEIGHTS_INDEX_FILE} of ${repo} names the shard "${shard}", which is not a .safetensors file inside the repo`);
    }
  }
  return shards;
}
