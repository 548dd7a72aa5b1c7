import { LORA_MODULES } from '../lora-modules.ts';
import { loraKey } from '../loaded-lora.ts';
import type { LoadedLora, LoraWeights } from '../loaded-lora.ts';
import { parseLoraKey } from '../parse-lora-key.ts';
import { parsePeftLoraConfig } from './peft-lora-config.ts';
import type { PeftLoraSource } from './peft-lora-raw.ts';
import { peftModulePath } from './peft-module-paths.ts';
import { PeftTargeting } from './peft-targeting.ts';
import { transpose } from '../../../tensor/transpose.ts';

/** A raw LoRA plus the identity a LoadedLora carries (a PeftLoraRaw read from disk has all of it). */
export type IdentifiedPeftLora = PeftLoraSource & { name: string; sha256: string };

/**
 * The slot-ready form of a raw PEFT LoRA: a = A^T [in, r], b = (scaling·B)^T
 * [r, out], scaling per module (alpha/r or alpha/√r, rank_pattern and
 * alpha_pattern applied), so the graph computes x·a·b. Works on a LoRA read
 * from disk or one fresh from training.
 */
export function toLoadedLora(source: IdentifiedPeftLora): LoadedLora {
  const config = parsePeftLoraConfig(source.config, `adapter "${source.name}" config`);
  const targeting = new PeftTargeting(config, `adapter "${source.name}"`);
  const weights = new Map<string, LoraWeights>();
  const layers = new Set<number>();
  const modules = new Set<string>();
  let rank = 0;
  for (const [key, pair] of source.weights) {
    const { layer, module } = parseLoraKey(key);
    const scaling = targeting.scaling(peftModulePath(layer, module));
    weights.set(loraKey(layer, module), {
      a: transpose(pair.a, pair.rank, pair.inFeatures),
      b: transpose(pair.b, pair.outFeatures, pair.rank, scaling),
      rank: pair.rank,
      inFeatures: pair.inFeatures,
      outFeatures: pair.outFeatures,
    });
    layers.add(layer);
    modules.add(module);
    rank = Math.max(rank, pair.rank);
  }
  return {
    kind: 'lora',
    name: source.name,
    sha256: source.sha256,
    rank,
    layers: [...layers].sort((a, b) => a - b),
    modules: LORA_MODULES.filter((m) => modules.has(m)),
    weights,
    baseFingerprint: source.baseFingerprint ?? null,
  };
}
