import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlugboardError } from '../../../errors/plugboard-error.ts';
import type { TensorToWrite } from '../../../hf/safetensors-writer.ts';
import { writeSafetensors } from '../../../hf/safetensors-writer.ts';
import type { StoredDType } from '../../../hf/weight-source.ts';
import { LORA_MODULES } from '../lora-modules.ts';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, adapterMetadata } from '../../formats/adapter-files.ts';
import type { WrittenAdapter } from '../../formats/adapter-io-types.ts';
import { checkFinite } from '../../formats/check-finite.ts';
import { fileSha256 } from '../../formats/file-sha256.ts';
import { parseLoraKey } from '../parse-lora-key.ts';
import { parsePeftLoraConfig, refuseUnsupportedPeftOptions } from './peft-lora-config.ts';
import type { PeftLoraPair, PeftLoraSource } from './peft-lora-raw.ts';
import { peftModulePath, peftWeightKey } from './peft-module-paths.ts';
import { PeftTargeting } from './peft-targeting.ts';

export interface WritePeftLoraOptions {
  /** how the weights are stored (default F32) */
  dtype?: StoredDType;
}

function checkPair(key: string, pair: PeftLoraPair, expectedRank: number, path: string): void {
  const { a, b, rank, inFeatures, outFeatures } = pair;
  if (rank !== expectedRank) {
    throw new PlugboardError('ADAPTER_INVALID', `${path} has rank ${rank} but the config (r / rank_pattern) gives it rank ${expectedRank}`);
  }
  if (a.length !== rank * inFeatures || b.length !== outFeatures * rank) {
    throw new PlugboardError(
      'ADAPTER_INVALID',
      `${path}: A must hold [${rank}, ${inFeatures}] and B [${outFeatures}, ${rank}] values, got ${a.length} and ${b.length}`,
    );
  }
  checkFinite(a, `${key}.a`, path);
  checkFinite(b, `${key}.b`, path);
}

/**
 * Writes a LoRA as a PEFT folder (adapter_config.json + adapter_model.safetensors)
 * that PEFT, vLLM and LoRAX load as is. Every pair must be a module the config
 * targets, with the rank the config gives it.
 */
export function writePeftLora(dir: string, source: PeftLoraSource, options: WritePeftLoraOptions = {}): WrittenAdapter {
  const config = parsePeftLoraConfig(source.config, 'the LoRA config to write');
  refuseUnsupportedPeftOptions(config, 'the LoRA config to write');
  const targeting = new PeftTargeting(config, 'the LoRA config to write');
  const entries = [...source.weights].map(([key, pair]) => ({ ...parseLoraKey(key), key, pair }));
  if (entries.length === 0) throw new PlugboardError('ADAPTER_INVALID', 'the LoRA to write has no weights');
  entries.sort((x, y) => x.layer - y.layer || LORA_MODULES.indexOf(x.module) - LORA_MODULES.indexOf(y.module));
  const dtype = options.dtype ?? 'F32';
  const tensors: TensorToWrite[] = [];
  for (const { layer, module, key, pair } of entries) {
    const path = peftModulePath(layer, module);
    if (!targeting.adapts(path)) {
      throw new PlugboardError('ADAPTER_INVALID', `weights for ${path} are not selected by the config's target_modules / layers_to_transform`);
    }
    checkPair(key, pair, targeting.rankAndAlpha(path).rank, path);
    tensors.push({ name: peftWeightKey(layer, module, 'A'), dtype, shape: [pair.rank, pair.inFeatures], values: pair.a });
    tensors.push({ name: peftWeightKey(layer, module, 'B'), dtype, shape: [pair.outFeatures, pair.rank], values: pair.b });
  }
  mkdirSync(dir, { recursive: true });
  const weightsPath = join(dir, ADAPTER_WEIGHTS_FILE);
  writeSafetensors(weightsPath, tensors, { metadata: adapterMetadata(source.baseFingerprint) });
  writeFileSync(join(dir, ADAPTER_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  return { dir, sha256: fileSha256(weightsPath) };
}
