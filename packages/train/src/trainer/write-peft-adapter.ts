import { adapterLayers, loraInputName, loraKey, moduleFeatures, peftLoraConfigFor, transpose, writePeftLora } from '@plugboard/core';
import type { LoraSpec, ModelConfig, PeftLoraPair } from '@plugboard/core';
import type { ParameterStore } from './parameter-store.ts';

/** Writes a trained LoRA as a PEFT folder (core's writer), so PEFT, vLLM and LoRAX can serve it; the base fingerprint goes into the safetensors metadata. */
export function writePeftAdapter(
  dir: string,
  config: ModelConfig,
  spec: LoraSpec,
  store: ParameterStore,
  base: { baseModelName: string | null; baseFingerprint: string | null },
): void {
  const layers = adapterLayers(config, spec);
  const weights = new Map<string, PeftLoraPair>();
  const { rank } = spec;
  for (const layer of layers) {
    for (const module of spec.modules) {
      const { inFeatures, outFeatures } = moduleFeatures(config, module);
      // the graphs' a [in, r] and b [r, out] as PEFT's lora_A [r, in] and lora_B [out, r]
      const a = transpose(store.get(loraInputName(layer, module, 'a')), inFeatures, rank);
      const b = transpose(store.get(loraInputName(layer, module, 'b')), rank, outFeatures);
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
