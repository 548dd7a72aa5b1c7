import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PlugboardError } from '../../../errors/plugboard-error.ts';
import { layerWeightNames, readModelConfig } from '../../../hf/config.ts';
import type { ModelConfig } from '../../../hf/config.ts';
import { openWeights } from '../../../hf/safetensors-weights.ts';
import type { WeightSource } from '../../../hf/weight-source.ts';
import type { TensorToWrite } from '../../../hf/safetensors-writer.ts';
import { writeShardedSafetensors } from '../../../hf/sharded-safetensors-writer.ts';
import { MODEL_METADATA_FILES } from '../../../hf/model-metadata-files.ts';
import { validateWeights } from '../../../hf/validate-weights.ts';
import { moduleFeatures } from '../lora-modules.ts';
import type { LoadedAdapter } from '../../loaded-adapter.ts';
import type { LoadedLora, LoraWeights } from '../loaded-lora.ts';
import { parseLoraKey } from '../parse-lora-key.ts';
import { toLoadedLora } from './to-loaded-lora.ts';
import type { IdentifiedPeftLora } from './to-loaded-lora.ts';
import { transpose } from '../../../tensor/transpose.ts';

/** Hugging Face's default max_shard_size ("5GB"). */
const DEFAULT_MAX_SHARD_BYTES = 5_000_000_000;

export interface MergeLoraOptions {
  /** the base model folder the LoRA was trained on */
  baseDir: string;
  /** a raw PEFT LoRA (e.g. readPeftLoraRaw) or a loaded one; a bottleneck adapter is refused */
  lora: IdentifiedPeftLora | LoadedAdapter;
  /** the new model folder (created; must differ from baseDir) */
  outDir: string;
  maxShardBytes?: number;
}

export interface MergedModel {
  dir: string;
  /** weight files written (model.safetensors, or shards plus the index) */
  weightFiles: string[];
}

function loadedLoraOf(lora: IdentifiedPeftLora | LoadedAdapter): LoadedLora {
  if (!('kind' in lora)) return toLoadedLora(lora);
  if (lora.kind === 'lora') return lora;
  throw new PlugboardError(
    'UNSUPPORTED_FEATURE',
    `adapter "${lora.name}" is a bottleneck adapter: adapters with a nonlinearity cannot be merged into the weights; serve it from an adapter slot instead`,
  );
}

/** HF weight name -> the LoRA delta for it, after checking each module fits the base model. */
function deltasByWeight(lora: LoadedLora, config: ModelConfig): Map<string, LoraWeights> {
  const deltas = new Map<string, LoraWeights>();
  for (const [key, w] of lora.weights) {
    const { layer, module } = parseLoraKey(key);
    const { inFeatures, outFeatures } = moduleFeatures(config, module);
    if (layer >= config.numLayers || w.inFeatures !== inFeatures || w.outFeatures !== outFeatures) {
      throw new PlugboardError(
        'ADAPTER_INCOMPATIBLE',
        `adapter "${lora.name}" module ${key} is [${w.inFeatures} -> ${w.outFeatures}] in layer ${layer}; ` +
          `the base model has ${config.numLayers} layers and that module is [${inFeatures} -> ${outFeatures}]`,
        { details: { module: key } },
      );
    }
    deltas.set(layerWeightNames(layer)[module], w);
  }
  return deltas;
}

/** W [out, in] + (a·b)^T, where a [in, r], b [r, out] (b already scaled). */
function mergedWeight(weight: Float32Array, w: LoraWeights): Float32Array {
  const { inFeatures: n, outFeatures: m, rank } = w;
  const aT = transpose(w.a, n, rank); // [r, in]
  for (let o = 0; o < m; o++) {
    const row = o * n;
    for (let r = 0; r < rank; r++) {
      const scale = w.b[r * m + o] as number;
      if (scale === 0) continue;
      const aRow = r * n;
      for (let i = 0; i < n; i++) weight[row + i]! += scale * (aT[aRow + i] as number);
    }
  }
  return weight;
}

function tensorsToWrite(weights: WeightSource, deltas: Map<string, LoraWeights>): TensorToWrite[] {
  return weights.names().map((name) => {
    const { dtype, shape } = weights.info(name);
    const delta = deltas.get(name);
    // read (and merge) one tensor at a time, as the writer reaches it
    const values = () => [delta ? mergedWeight(weights.float32(name), delta) : weights.float32(name)];
    return { name, dtype, shape, values };
  });
}

/**
 * Writes a dense copy of the base model with a LoRA folded in,
 * W' = W + scaling·B·A on every targeted projection, for single-skill export:
 * config and tokenizer files copied, other tensors copied unchanged, each
 * tensor kept in its stored dtype, streamed one tensor at a time.
 */
export function mergeLoraIntoModel(options: MergeLoraOptions): MergedModel {
  const lora = loadedLoraOf(options.lora);
  if (resolve(options.baseDir) === resolve(options.outDir)) {
    throw new PlugboardError('INVALID_ARGUMENT', `outDir ${options.outDir} is the base model folder; merge into a new folder`);
  }
  const config = readModelConfig(options.baseDir);
  const weights = openWeights(options.baseDir);
  try {
    validateWeights(weights, config);
    const deltas = deltasByWeight(lora, config);
    mkdirSync(options.outDir, { recursive: true });
    const weightFiles = writeShardedSafetensors(options.outDir, tensorsToWrite(weights, deltas), {
      maxShardBytes: options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES,
      metadata: { format: 'pt' },
    });
    for (const file of MODEL_METADATA_FILES) {
      const from = join(options.baseDir, file);
      if (existsSync(from)) copyFileSync(from, join(options.outDir, file));
    }
    return { dir: options.outDir, weightFiles };
  } finally {
    weights.close();
  }
}
