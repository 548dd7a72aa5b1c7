import { basename } from 'node:path';
import { PlugboardError } from '../../../errors/plugboard-error.ts';
import type { ModelConfig } from '../../../hf/config.ts';
import { readJsonFile } from '../../../hf/read-json-file.ts';
import { SafetensorsFile } from '../../../hf/safetensors-file.ts';
import { LORA_MODULES, moduleFeatures } from '../lora-modules.ts';
import type { LoraModule } from '../lora-modules.ts';
import { loraKey } from '../loaded-lora.ts';
import type { LoadedLora } from '../loaded-lora.ts';
import {
  ADAPTER_CONFIG_FILE,
  ADAPTER_WEIGHTS_FILE,
  BASE_FINGERPRINT_METADATA_KEY,
  requireAdapterFile,
} from '../../formats/adapter-files.ts';
import type { ReadAdapterOptions } from '../../formats/adapter-io-types.ts';
import { checkFinite } from '../../formats/check-finite.ts';
import { fileSha256 } from '../../formats/file-sha256.ts';
import { PeftLoraConfigSchema, refuseUnsupportedPeftOptions } from './peft-lora-config.ts';
import type { PeftLoraConfig } from './peft-lora-config.ts';
import type { PeftLoraPair, PeftLoraRaw } from './peft-lora-raw.ts';
import { parsePeftWeightKey, peftModulePath } from './peft-module-paths.ts';
import { PeftTargeting } from './peft-targeting.ts';
import type { PeftTarget } from './peft-targeting.ts';
import { toLoadedLora } from './to-loaded-lora.ts';

interface PairKeys {
  layer: number;
  module: LoraModule;
  a?: string;
  b?: string;
}

function invalid(message: string, details?: Record<string, unknown>): PlugboardError {
  return new PlugboardError('ADAPTER_INVALID', message, { details });
}

function incompatible(message: string, details?: Record<string, unknown>): PlugboardError {
  return new PlugboardError('ADAPTER_INCOMPATIBLE', message, { details });
}

/** Groups the file's tensors into A/B pairs; any tensor that is not LoRA on a projection is refused. */
function pairKeys(file: SafetensorsFile, config: ModelConfig): Map<string, PairKeys> {
  const pairs = new Map<string, PairKeys>();
  for (const name of file.names()) {
    const parsed = parsePeftWeightKey(name);
    if (!parsed) {
      const dora = name.includes('lora_magnitude_vector') ? ' (DoRA magnitude vectors: use_dora is not supported)' : '';
      throw new PlugboardError(
        'UNSUPPORTED_FEATURE',
        `${file.path} holds tensor "${name}"${dora}; only lora_A/lora_B pairs on the q/k/v/o/gate/up/down projections can be loaded`,
        { details: { tensor: name } },
      );
    }
    if (parsed.layer >= config.numLayers) {
      throw incompatible(`${file.path}: tensor "${name}" is for layer ${parsed.layer} but the base model has ${config.numLayers} layers`, {
        tensor: name,
        layer: parsed.layer,
      });
    }
    const key = loraKey(parsed.layer, parsed.module);
    const pair = pairs.get(key) ?? { layer: parsed.layer, module: parsed.module };
    const part = parsed.part === 'A' ? 'a' : 'b';
    if (pair[part] !== undefined) throw invalid(`${file.path} holds lora_${parsed.part} of ${peftModulePath(parsed.layer, parsed.module)} twice ("${pair[part]}", "${name}")`);
    pair[part] = name;
    pairs.set(key, pair);
  }
  if (pairs.size === 0) throw invalid(`${file.path} holds no LoRA tensors`);
  return pairs;
}

/** Checks that the pairs present are exactly the modules the config targets. */
function checkCoverage(pairs: Map<string, PairKeys>, targets: PeftTarget[], source: string): void {
  const targeted = new Set(targets.map((t) => loraKey(t.layer, t.module)));
  for (const pair of pairs.values()) {
    const path = peftModulePath(pair.layer, pair.module);
    if (pair.a === undefined || pair.b === undefined) {
      throw invalid(`${source} has lora_${pair.a === undefined ? 'A' : 'B'} of ${path} missing (only its lora_${pair.a === undefined ? 'B' : 'A'} is there)`, {
        module: path,
      });
    }
    if (!targeted.has(loraKey(pair.layer, pair.module))) {
      throw invalid(`${source} has weights for ${path}, which adapter_config.json's target_modules / layers_to_transform do not select`, {
        module: path,
      });
    }
  }
  const missing = targets.find((t) => !pairs.has(loraKey(t.layer, t.module)));
  if (missing) {
    throw invalid(`adapter_config.json targets ${missing.path} but ${source} has no lora_A/lora_B for it`, { module: missing.path });
  }
}

function readPair(file: SafetensorsFile, keys: PairKeys, target: PeftTarget, config: ModelConfig): PeftLoraPair {
  const { inFeatures, outFeatures } = moduleFeatures(config, keys.module);
  const aName = keys.a as string;
  const bName = keys.b as string;
  const aShape = file.info(aName).shape;
  const bShape = file.info(bName).shape;
  const expectedA = [target.rank, inFeatures];
  const expectedB = [outFeatures, target.rank];
  if (aShape.length !== 2 || bShape.length !== 2) {
    throw invalid(`${file.path}: "${aName}" and "${bName}" must be matrices, got shapes [${aShape}] and [${bShape}]`);
  }
  if (aShape[1] !== inFeatures || bShape[0] !== outFeatures) {
    throw incompatible(
      `${file.path}: module ${target.path} expects lora_A [r, ${inFeatures}] and lora_B [${outFeatures}, r] for this base model, ` +
        `got [${aShape}] and [${bShape}]: the adapter was trained on a different model`,
      { module: target.path, expected: { a: expectedA, b: expectedB }, actual: { a: aShape, b: bShape } },
    );
  }
  if (aShape[0] !== target.rank || bShape[1] !== target.rank) {
    throw invalid(
      `${file.path}: module ${target.path} has rank ${target.rank} in adapter_config.json (r / rank_pattern) ` +
        `but its tensors are [${aShape}] and [${bShape}]`,
      { module: target.path, expected: { a: expectedA, b: expectedB }, actual: { a: aShape, b: bShape } },
    );
  }
  const a = file.float32(aName);
  const b = file.float32(bName);
  checkFinite(a, aName, file.path);
  checkFinite(b, bName, file.path);
  return { a, b, rank: target.rank, inFeatures, outFeatures };
}

/** Reads and checks a PEFT LoRA folder, keeping the weights exactly as stored (see readPeftLora for the slot-ready form). */
export function readPeftLoraRaw(dir: string, options: ReadAdapterOptions): PeftLoraRaw {
  const configPath = requireAdapterFile(dir, ADAPTER_CONFIG_FILE);
  const peftConfig: PeftLoraConfig = readJsonFile(configPath, PeftLoraConfigSchema, 'ADAPTER_INVALID', { open: options.open });
  refuseUnsupportedPeftOptions(peftConfig, configPath);
  const targets = new PeftTargeting(peftConfig, configPath).resolve(options.config);
  const weightsPath = requireAdapterFile(dir, ADAPTER_WEIGHTS_FILE);
  const file = SafetensorsFile.open(weightsPath, { open: options.open });
  try {
    const pairs = pairKeys(file, options.config);
    checkCoverage(pairs, targets, weightsPath);
    const weights = new Map<string, PeftLoraPair>();
    for (const target of targets) {
      const key = loraKey(target.layer, target.module);
      weights.set(key, readPair(file, pairs.get(key) as PairKeys, target, options.config));
    }
    return {
      name: options.name ?? basename(dir),
      config: peftConfig,
      weights,
      sha256: fileSha256(weightsPath, options.open),
      baseFingerprint: file.metadata[BASE_FINGERPRINT_METADATA_KEY] ?? null,
      layers: [...new Set(targets.map((t) => t.layer))].sort((x, y) => x - y),
      modules: LORA_MODULES.filter((module) => targets.some((t) => t.module === module)),
    };
  } finally {
    file.close();
  }
}

/** Reads a PEFT LoRA folder into the slot-ready form: A transposed, B transposed and scaled. */
export function readPeftLora(dir: string, options: ReadAdapterOptions): LoadedLora {
  return toLoadedLora(readPeftLoraRaw(dir, options));
}
