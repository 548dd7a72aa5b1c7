import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlugboardError } from '../errors/plugboard-error.ts';
import { SINGLE_WEIGHTS_FILE, WEIGHTS_INDEX_FILE, shardFileName } from './safetensors-index.ts';
import type { SafetensorsIndex } from './safetensors-index.ts';
import { storedByteLength, writeSafetensors } from './safetensors-writer.ts';
import type { TensorToWrite, WriteSafetensorsOptions } from './safetensors-writer.ts';

export interface WriteShardedOptions extends WriteSafetensorsOptions {
  /** start a new shard before a tensor would push the current one past this many data bytes */
  maxShardBytes: number;
}

/**
 * Writes weights into `dir` the way Hugging Face's save_pretrained does: shards
 * of at most `maxShardBytes` (a tensor larger than that gets a shard of its
 * own) plus `model.safetensors.index.json`; when everything fits in one shard,
 * a single `model.safetensors` and no index. Returns the file names written.
 */
export function writeShardedSafetensors(dir: string, tensors: readonly TensorToWrite[], options: WriteShardedOptions): string[] {
  if (!(Number.isInteger(options.maxShardBytes) && options.maxShardBytes > 0)) {
    throw new PlugboardError('INVALID_ARGUMENT', `maxShardBytes must be a positive integer, got ${options.maxShardBytes}`);
  }
  const shards = groupIntoShards(tensors, options.maxShardBytes);
  if (shards.length <= 1) {
    writeSafetensors(join(dir, SINGLE_WEIGHTS_FILE), tensors, options);
    return [SINGLE_WEIGHTS_FILE];
  }
  const weightMap: Record<string, string> = {};
  const names = shards.map((shard, i) => {
    const name = shardFileName(i, shards.length);
    writeSafetensors(join(dir, name), shard, options);
    for (const tensor of shard) weightMap[tensor.name] = name;
    return name;
  });
  const totalSize = tensors.reduce((sum, tensor) => sum + storedByteLength(tensor), 0);
  const index: SafetensorsIndex = { metadata: { total_size: totalSize }, weight_map: weightMap };
  writeFileSync(join(dir, WEIGHTS_INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
  return [...names, WEIGHTS_INDEX_FILE];
}

function groupIntoShards(tensors: readonly TensorToWrite[], maxShardBytes: number): TensorToWrite[][] {
  const shards: TensorToWrite[][] = [];
  let current: TensorToWrite[] = [];
  let currentBytes = 0;
  for (const tensor of tensors) {
    const bytes = storedByteLength(tensor);
    if (current.length > 0 && currentBytes + bytes > maxShardBytes) {
      shards.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(tensor);
    currentBytes += bytes;
  }
  if (current.length > 0) shards.push(current);
  return shards;
}
