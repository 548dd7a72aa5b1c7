import { loraKey, peftLoraConfigFor, writePeftLora } from '@plugboard/core';
import type { ModelConfig, PeftLoraPair } from '@plugboard/core';
import type { LoraGraphSpec } from '../model/graph-method.ts';
import { loraGraphLayers, loraParameterName } from '../model/parameter-names.ts';
import type { ParameterStore } from './parameter-store.ts';

/** Writes a trained LoRA as a PEFT folder (core's writer), so PEFT, vLLM and LoRAX can serve it; the base fingerprint goes into the safetensors metadata. */
export function writePeftAdapter(
  dir: string,
  config: ModelConfig,
  spec: LoraGraphSpec,
  store: ParameterStore,
  base: { baseModelName: string | null; baseFingerprint: string | null },
): void {
  const layers = loraGraphLayers(config, spec);
  const weights = new Map<string, PeftLoraPair>();
  for (const layer of layers) {
    for (const module of spec.modules) {
      const [rank, inFeatures] = store.shapeOf(loraParameterName(layer, module, 'A')) as [number, number];
      const outFeatures = store.shapeOf(loraParameterName(layer, module, 'B'))[0] as number;
      const a = store.get(loraParameterName(layer, module, 'A'));
      const b = store.get(loraParameterName(layer, module, 'B'));
      weights.set(loraKey(layer, module), { a, b, rank, inFeatures, outFeatures });
    }
  }
  const allLayers = layers.length === config.numLayers && spec.layers === undefined;
  const peftConfig = peftLoraConfigFor({
    rank: spec.rank,
    alpha: spec.alpha,
    modules: spec.modules,
    layers: allLayers ? undefined : layers,
    useRslora: spec.useRslora,
    baseModelName: base.baseModelName,
  });
  writePeftLora(dir, { config: peftConfig, weights, baseFingerprint: base.baseFingerprint });
}
