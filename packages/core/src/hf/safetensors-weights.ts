import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PlugboardError } from '../errors/plugboard-error.ts';
import { defaultFingerprintIndexDir } from './content-hash-index.ts';
import { GGUF_WEIGHTS_FILE, isGgufPath } from '../gguf/gguf-path.ts';
import { GgufWeights } from '../gguf/gguf-weights.ts';
import { readJsonFile } from './read-json-file.ts';
import { SafetensorsFile } from './safetensors-file.ts';
import { SINGLE_WEIGHTS_FILE, SafetensorsIndexSchema, WEIGHTS_INDEX_FILE } from './safetensors-index.ts';
import type { TensorInfo, WeightSource } from './weight-source.ts';

/** A WeightSource over one or many open safetensors files; close() releases them. */
export class SafetensorsWeights implements WeightSource {
  private readonly files: SafetensorsFile[];
  private readonly fileOf: Map<string, SafetensorsFile>;
  private cachedFingerprint: string | undefined;

  constructor(
    files: SafetensorsFile[],
    fileOf: Map<string, SafetensorsFile>,
    private readonly fingerprintIndexDir: string,
  ) {
    this.files = files;
    this.fileOf = fileOf;
  }

  names(): string[] {
    return [...this.fileOf.keys()];
  }

  has(name: string): boolean {
    return this.fileOf.has(name);
  }

  info(name: string): TensorInfo {
    return this.file(name).info(name);
  }

  float32(name: string): Float32Array {
    return this.file(name).float32(name);
  }

  raw(name: string): Uint8Array {
    return this.file(name).raw(name);
  }

  /**
   * sha256 over each file's name and full-content sha256 (files in name
   * order): any changed byte moves it. Each file is hashed once per file
   * identity and remembered in the fingerprint index, so a warm call reads
   * no weights.
   */
  fingerprint(): string {
    if (this.cachedFingerprint === undefined) {
      const hash = createHash('sha256');
      const ordered = [...this.files].sort((a, b) => basename(a.path).localeCompare(basename(b.path)));
      for (const file of ordered) hash.update(`${basename(file.path)}\0${file.contentSha256(this.fingerprintIndexDir)}\0`);
      this.cachedFingerprint = hash.digest('hex');
    }
    return this.cachedFingerprint;
  }

  close(): void {
    for (const file of this.files) file.close();
  }

  private file(name: string): SafetensorsFile {
    const file = this.fileOf.get(name);
    if (!file) {
      throw new PlugboardError('WEIGHT_MISSING', `the weights have no tensor "${name}"`, { details: { tensor: name } });
    }
    return file;
  }
}

export interface OpenWeightsOptions {
  /** where files' content hashes are remembered; default `fingerprints/` in the graph cache folder */
  fingerprintIndexDir?: string;
}

export { fingerprintIndexDirOf, defaultFingerprintIndexDir } from './content-hash-index.ts';

/**
 * Opens a model's weights: a folder with `model.safetensors.index.json`
 * (sharded) or `model.safetensors` (or the `model.gguf` of a GGUF-derived
 * folder), or a path to one .safetensors or .gguf file.
 */
export function openWeights(path: string, options: OpenWeightsOptions = {}): SafetensorsWeights | GgufWeights {
  const indexDir = options.fingerprintIndexDir ?? defaultFingerprintIndexDir();
  if (isGgufPath(path)) return GgufWeights.open(path, indexDir);
  if (isGgufPath(join(path, GGUF_WEIGHTS_FILE))) return GgufWeights.open(join(path, GGUF_WEIGHTS_FILE), indexDir);
  if (existsSync(path) && statSync(path).isFile()) return singleFileWeights(path, indexDir);
  const indexPath = join(path, WEIGHTS_INDEX_FILE);
  if (existsSync(indexPath)) return shardedWeights(path, indexPath, indexDir);
  const single = join(path, SINGLE_WEIGHTS_FILE);
  if (existsSync(single)) return singleFileWeights(single, indexDir);
  throw new PlugboardError(
    'FILE_NOT_FOUND',
    `no ${SINGLE_WEIGHTS_FILE} or ${WEIGHTS_INDEX_FILE} in ${path}: point at a Hugging Face model folder with safetensors weights`,
    { details: { path } },
  );
}

function singleFileWeights(filePath: string, indexDir: string): SafetensorsWeights {
  const file = SafetensorsFile.open(filePath);
  return new SafetensorsWeights([file], new Map(file.names().map((name) => [name, file])), indexDir);
}

function shardedWeights(dir: string, indexPath: string, indexDir: string): SafetensorsWeights {
  const index = readJsonFile(indexPath, SafetensorsIndexSchema, 'SAFETENSORS_CORRUPT');
  const files = new Map<string, SafetensorsFile>();
  try {
    const fileOf = new Map<string, SafetensorsFile>();
    for (const [tensor, shard] of Object.entries(index.weight_map)) {
      if (basename(shard) !== shard) {
        throw new PlugboardError('PATH_ESCAPE', `${indexPath} maps "${tensor}" to "${shard}", which is not a file in the model folder`);
      }
      let file = files.get(shard);
      if (!file) {
        file = SafetensorsFile.open(join(dir, shard));
        files.set(shard, file);
      }
      if (!file.has(tensor)) {
        throw new PlugboardError(
          'SAFETENSORS_CORRUPT',
          `${indexPath} says tensor "${tensor}" is in ${shard}, but that shard has no such tensor: the index and shards disagree`,
        );
      }
      fileOf.set(tensor, file);
    }
    return new SafetensorsWeights([...files.values()], fileOf, indexDir);
  } catch (error) {
    for (const file of files.values()) file.close();
    throw error;
  }
}
