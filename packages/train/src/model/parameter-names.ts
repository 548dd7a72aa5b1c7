import { bottleneckLayers as slotBottleneckLayers, expectedWeightShapes, moduleFeatures } from '@plugboard/core';
import type { BottleneckPart, LoraModule, ModelConfig } from '@plugboard/core';
import type { BottleneckGraphSpec, GraphMethod, LoraGraphSpec } from './graph-method.ts';

/** Training-graph input names of the trainable adapter tensors (PEFT orientation for LoRA). */
export function loraParameterName(layer: number, module: LoraModule, part: 'A' | 'B'): string {
  return `lora.${layer}.${module}.${part}`;
}

export function bottleneckParameterName(layer: number, part: BottleneckPart): string {
  return `adapter.${layer}.${part}`;
}

export function loraGraphLayers(config: ModelConfig, spec: LoraGraphSpec): number[] {
  return spec.layers ?? Array.from({ length: config.numLayers }, (_, i) => i);
}

export function bottleneckGraphLayers(config: ModelConfig, spec: BottleneckGraphSpec): number[] {
  return slotBottleneckLayers(config, { slots: 1, bottleneck: spec });
}

/** Shapes of the LoRA and bottleneck parameters the method adds. */
export function adapterParameterShapes(config: ModelConfig, method: GraphMethod): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const { lora, bottleneck } = method;
  if (lora) {
    for (const layer of loraGraphLayers(config, lora)) {
      for (const module of lora.modules) {
        const { inFeatures, outFeatures } = moduleFeatures(config, module);
        shapes.set(loraParameterName(layer, module, 'A'), [lora.rank, inFeatures]);
        shapes.set(loraParameterName(layer, module, 'B'), [outFeatures, lora.rank]);
      }
    }
  }
  if (bottleneck) {
    const d = config.hiddenSize;
    const m = bottleneck.width;
    for (const layer of bottleneckGraphLayers(config, bottleneck)) {
      shapes.set(bottleneckParameterName(layer, 'down'), [d, m]);
      shapes.set(bottleneckParameterName(layer, 'down_bias'), [m]);
      shapes.set(bottleneckParameterName(layer, 'up'), [m, d]);
      shapes.set(bottleneckParameterName(layer, 'up_bias'), [d]);
    }
  }
  return shapes;
}

/** Every parameter input of the training graph: the base weights (HF names) then the adapter tensors. */
export function trainingParameterShapes(config: ModelConfig, method: GraphMethod): Map<string, number[]> {
  return new Map([...expectedWeightShapes(config), ...adapterParameterShapes(config, method)]);
}
