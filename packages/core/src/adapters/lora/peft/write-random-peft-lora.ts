import type { ModelConfig } from '../../../hf/config.ts';
import type { StoredDType } from '../../../hf/weight-source.ts';
import { moduleFeatures } from '../lora-modules.ts';
import { SeededRandom, deriveSeed } from '../../../random/seeded-random.ts';
import { loraKey } from '../loaded-lora.ts';
import type { PeftLoraConfig } from './peft-lora-config.ts';
import { peftLoraConfigFor } from './peft-lora-config-for.ts';
import type { PeftLoraConfigForOptions } from './peft-lora-config-for.ts';
import type { PeftLoraPair, PeftLoraSource } from './peft-lora-raw.ts';
import { peftModulePath } from './peft-module-paths.ts';
import { PeftTargeting } from './peft-targeting.ts';
import { writePeftLora } from './write-peft-lora.ts';
import type { WrittenAdapter } from '../../formats/adapter-io-types.ts';

export interface RandomPeftLoraOptions extends Omit<PeftLoraConfigForOptions, 'baseModelName'> {
  config: ModelConfig;
  seed: number;
  /** std of A and B entries (default 0.1: a visible but moderate change of the outputs) */
  scale?: number;
  dtype?: StoredDType;
  baseFingerprint?: string | null;
}

/**
 * Seeded random LoRA weights for every module the options target (B nonzero,
 * unlike PEFT's init, so the adapter visibly changes the model). A pair's
 * values depend only on (seed, module path).
 */
export function randomPeftLora(options: RandomPeftLoraOptions): PeftLoraSource & { config: PeftLoraConfig } {
  const config = peftLoraConfigFor(options);
  const targets = new PeftTargeting(config, 'random LoRA').resolve(options.config);
  const scale = options.scale ?? 0.1;
  const weights = new Map<string, PeftLoraPair>();
  for (const { layer, module, rank } of targets) {
    const { inFeatures, outFeatures } = moduleFeatures(options.config, module);
    const random = new SeededRandom(deriveSeed(options.seed, peftModulePath(layer, module)));
    weights.set(loraKey(layer, module), {
      a: random.normals(rank * inFeatures, scale),
      b: random.normals(outFeatures * rank, scale),
      rank,
      inFeatures,
      outFeatures,
    });
  }
  return { config, weights, baseFingerprint: options.baseFingerprint ?? null };
}

/** Writes a real PEFT LoRA folder with seeded random weights (tests, the bank, benchmarks). */
export function writeRandomPeftLora(dir: string, options: RandomPeftLoraOptions): WrittenAdapter {
  return writePeftLora(dir, randomPeftLora(options), { dtype: options.dtype });
}
