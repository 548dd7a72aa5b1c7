import { LORA_MODULES, moduleFeatures } from '@plugboard/core';
import type { ModelConfig } from '@plugboard/core';

/** Header room per tensor entry (name, dtype, shape, offsets are ~150 bytes) plus room for metadata. */
const HEADER_BYTES_PER_TENSOR = 256;
const HEADER_BYTES_FIXED = 4096;
/** F32, the widest dtype an adapter may be stored in */
const MAX_BYTES_PER_VALUE = 4;

export interface AdapterCapacity {
  kind: 'lora' | 'adapter';
  /** LoRA rank or bottleneck width */
  rank: number;
  /** layers it may cover */
  layers: readonly number[];
}

/**
 * The largest a weights file can honestly be: every module of every allowed
 * layer at full rank (or width), in F32, plus a generous header. A bigger file
 * cannot be a rank-r adapter for this base, whatever its header claims.
 */
export function maxAdapterBytes(config: ModelConfig, capacity: AdapterCapacity): number {
  const layers = capacity.layers.length;
  const r = capacity.rank;
  if (capacity.kind === 'lora') {
    const perLayer = LORA_MODULES.reduce((sum, module) => {
      const { inFeatures, outFeatures } = moduleFeatures(config, module);
      return sum + r * (inFeatures + outFeatures);
    }, 0);
    return 8 + HEADER_BYTES_FIXED + HEADER_BYTES_PER_TENSOR * layers * LORA_MODULES.length * 2 + MAX_BYTES_PER_VALUE * layers * perLayer;
  }
  const d = config.hiddenSize;
  const perLayer = 2 * d * r + r + d;
  return 8 + HEADER_BYTES_FIXED + HEADER_BYTES_PER_TENSOR * layers * 4 + MAX_BYTES_PER_VALUE * layers * perLayer;
}
