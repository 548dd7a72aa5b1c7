import { bottleneckTensorSpecs, expectedWeightShapes, loraTensorSpecs } from '@plugboard/core';
import type { ModelConfig } from '@plugboard/core';
import type { GraphMethod } from './graph-method.ts';

/**
 * Shapes of the LoRA and bottleneck parameters the method adds, named and
 * laid out by core's convention for each kind (the inference slots without
 * their slot axis).
 */
export function adapterParameterShapes(config: ModelConfig, method: GraphMethod): Map<string, number[]> {
  const { lora, bottleneck } = method;
  const tensors = [...(lora ? loraTensorSpecs(config, lora) : []), ...(bottleneck ? bottleneckTensorSpecs(config, bottleneck) : [])];
  return new Map(tensors.map(({ name, dims }) => [name, [...dims]]));
}

/** Every parameter input of the training graph: the base weights (HF names) then the adapter tensors. */
export function trainingParameterShapes(config: ModelConfig, method: GraphMethod): Map<string, number[]> {
  return new Map([...expectedWeightShapes(config), ...adapterParameterShapes(config, method)]);
}
