import type { ModelConfig } from '../../hf/config.ts';
import { adapterLayers } from '../layer-selection.ts';
import type { LoraModule } from './lora-modules.ts';
import { moduleFeatures } from './lora-modules.ts';
import type { LoraSlots } from './lora-spec.ts';

/**
 * LoRA's tensors, one convention for the training and the inference graph:
 * `lora.{i}.{m}.a` holds Aᵀ [in, r] and `lora.{i}.{m}.b` holds Bᵀ [r, out],
 * so a projection's delta is x·a·b.
 * - training graph: one adapter's a and b; b is unscaled and the graph
 *   multiplies by loraScaling (so the optimizer sees PEFT's parameterization)
 * - inference graph: N stacked slots, a [N, in, R] and b [N, R, out], R the
 *   bank's max rank (zero padded), b pre-multiplied by the scaling
 * PEFT's files store A [r, in] (lora_A) and B [out, r] (lora_B): the PEFT
 * readers and writers transpose.
 */
export function loraInputName(layer: number, module: LoraModule, part: 'a' | 'b'): string {
  return `lora.${layer}.${module}.${part}`;
}

export interface LoraTensorSpec {
  name: string;
  layer: number;
  module: LoraModule;
  part: 'a' | 'b';
  /** one adapter's dims: a [in, r], b [r, out] */
  dims: [number, number];
}

/** Every LoRA tensor the spec puts in a graph, layer by layer, module by module, a before b. */
export function loraTensorSpecs(config: ModelConfig, spec: LoraSlots): LoraTensorSpec[] {
  const specs: LoraTensorSpec[] = [];
  for (const layer of adapterLayers(config, spec)) {
    for (const module of spec.modules) {
      const { inFeatures, outFeatures } = moduleFeatures(config, module);
      specs.push({ name: loraInputName(layer, module, 'a'), layer, module, part: 'a', dims: [inFeatures, spec.rank] });
      specs.push({ name: loraInputName(layer, module, 'b'), layer, module, part: 'b', dims: [spec.rank, outFeatures] });
    }
  }
  return specs;
}
