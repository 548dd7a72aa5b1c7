import { SeededRandom, deriveSeed } from '@plugboard/core';
import type { ModelConfig } from '@plugboard/core';
import type { GraphMethod } from '../model/graph-method.ts';
import { adapterParameterShapes } from '../model/parameter-names.ts';
import type { ParameterStore } from '../trainer/parameter-store.ts';

/**
 * Initial adapter values, as PEFT / Houlsby do, seeded per tensor:
 * LoRA A and bottleneck down uniform in ±1/√fan_in (PEFT's
 * kaiming_uniform(a=√5) bound), LoRA B, bottleneck up and biases zero, so
 * step 0 is exactly the base model.
 */
export function initializeAdapters(store: ParameterStore, config: ModelConfig, method: GraphMethod, seed: number): void {
  for (const [name, shape] of adapterParameterShapes(config, method)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    // LoRA a [in, r] and bottleneck down [d, m] both map fan_in features: the first dim
    const fanIn = name.endsWith('.a') || name.endsWith('.down') ? shape[0] : undefined;
    if (fanIn !== undefined) {
      const random = new SeededRandom(deriveSeed(seed, name));
      const bound = 1 / Math.sqrt(fanIn);
      for (let i = 0; i < size; i++) values[i] = (2 * random.next() - 1) * bound;
    }
    store.set(name, values);
  }
}
