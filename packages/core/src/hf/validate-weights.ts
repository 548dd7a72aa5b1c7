import { PlugboardError } from '../errors/plugboard-error.ts';
import { expectedWeightShapes } from './config.ts';
import type { ModelConfig } from './config.ts';
import type { WeightSource } from './weight-source.ts';

/** Checks that every tensor the config needs is present with the right shape (and a dtype we can read). */
export function validateWeights(source: WeightSource, config: ModelConfig): void {
  for (const [name, expected] of expectedWeightShapes(config)) {
    if (!source.has(name)) {
      throw new PlugboardError(
        'WEIGHT_MISSING',
        `weight "${name}" (shape ${JSON.stringify(expected)}) is missing: the weights do not match config.json`,
        { details: { tensor: name, expected } },
      );
    }
    const actual = source.info(name).shape;
    if (actual.length !== expected.length || actual.some((dim, i) => dim !== expected[i])) {
      throw new PlugboardError(
        'WEIGHT_SHAPE_MISMATCH',
        `weight "${name}" has shape ${JSON.stringify(actual)} but config.json implies ${JSON.stringify(expected)}`,
        { details: { tensor: name, expected, actual } },
      );
    }
  }
}
