import { adapterLayers, expectedWeightShapes, loraTensorSpecs } from '@plugboard/core';
import type { BottleneckPart, ModelConfig } from '@plugboard/core';
import type { GraphMethod } from './graph-method.ts';

export function bottleneckParameterName(layer: number, part: BottleneckPart): string {
  return `adapter.${layer}.${part}`;
}

/** Shapes of the LoRA and bottleneck parameters the method adds. */
export function adapterParameterShapes(config: ModelConfig, method: GraphMethod): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const { lora, bottleneck } = method;
  // LoRA: core's convention, a [in, r] and b [r, out] (the inference slots without their slot axis)
  if (lora) for (const { name, dims } of loraTensorSpecs(config, lora)) shapes.set(name, dims);
  if (bottleneck) {
    const d = config.hiddenSize;
    const m = bottleneck.width;
    for (const layer of adapterLayers(config, bottleneck)) {
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
