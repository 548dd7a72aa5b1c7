import { SeededRandom, deriveSeed, loraTensorSpecs, transpose } from '@plugboard/core';
import type { ModelConfig } from '@plugboard/core';
import type { GraphMethod } from '../model/graph-method.ts';
import { adapterParameterShapes } from '../model/parameter-names.ts';
import type { ParameterStore } from '../trainer/parameter-store.ts';

/** Uniform in ±1/√fanIn (PEFT's kaiming_uniform(a=√5) bound), seeded by `label`. */
function uniformDraws(seed: number, label: string, size: number, fanIn: number): Float32Array {
  const random = new SeededRandom(deriveSeed(seed, label));
  const bound = 1 / Math.sqrt(fanIn);
  return Float32Array.from({ length: size }, () => (2 * random.next() - 1) * bound);
}

/**
 * Initial adapter values, as PEFT / Houlsby do, seeded per tensor:
 * LoRA A and bottleneck down uniform in ±1/√fan_in, LoRA B, bottleneck up
 * and biases zero, so step 0 is exactly the base model.
 */
export function initializeAdapters(store: ParameterStore, config: ModelConfig, method: GraphMethod, seed: number): void {
  const drawn = new Map<string, Float32Array>();
  if (method.lora) {
    for (const { name, layer, module, part, dims } of loraTensorSpecs(config, method.lora)) {
      if (part !== 'a') continue;
      const [inFeatures, rank] = dims;
      // drawn as PEFT's lora_A [r, in] under the label `lora.{i}.{m}.A`, then stored as a = Aᵀ:
      // the draws do not depend on the graphs' tensor names, so a seed keeps training the same adapter
      drawn.set(name, transpose(uniformDraws(seed, `lora.${layer}.${module}.A`, rank * inFeatures, inFeatures), rank, inFeatures));
    }
  }
  for (const [name, shape] of adapterParameterShapes(config, method)) {
    const size = shape.reduce((a, b) => a * b, 1);
    // bottleneck down [d, m] maps d features
    const values = drawn.get(name) ?? (name.endsWith('.down') ? uniformDraws(seed, name, size, shape[0] as number) : new Float32Array(size));
    store.set(name, values);
  }
}
