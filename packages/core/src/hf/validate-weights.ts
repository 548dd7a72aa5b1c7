import { PlugboardError } from '../errors/plugboard-error.ts';
import { expectedWeightShapes } from './config.ts';
import type { ModelConfig } from './config.ts';
import type { WeightSource } from './weight-source.ts';

/** Rotary caches some exporters save (transformers recomputes them): never weights the config needs. */
const ALWAYS_IGNORED = /(^|\.)rotary_emb\.inv_freq$/;
/** Unexpected tensors named in the error message; the count covers the rest. */
const LISTED_UNEXPECTED = 5;

export interface ValidateWeightsOptions {
  /** tensors the config does not use that are known to be harmless: true = all, or their exact names */
  ignoreUnexpected?: boolean | readonly string[];
}

/**
 * Checks that the weights are exactly what the config describes: every tensor
 * it needs present with the right shape, and no tensor it does not account
 * for (a `num_hidden_layers` smaller than the checkpoint's, another
 * architecture's weights) unless the caller says those extras are known.
 */
export function validateWeights(source: WeightSource, config: ModelConfig, options: ValidateWeightsOptions = {}): void {
  const expectedShapes = expectedWeightShapes(config);
  for (const [name, expected] of expectedShapes) {
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
  checkNothingUnexpected(source, expectedShapes, options.ignoreUnexpected ?? false);
}

function checkNothingUnexpected(source: WeightSource, expected: ReadonlyMap<string, number[]>, ignore: boolean | readonly string[]): void {
  if (ignore === true) return;
  const known = new Set(ignore === false ? [] : ignore);
  const unexpected = source.names().filter((name) => !expected.has(name) && !known.has(name) && !ALWAYS_IGNORED.test(name)).sort();
  if (unexpected.length === 0) return;
  const listed = unexpected.slice(0, LISTED_UNEXPECTED).map((name) => `"${name}"`).join(', ');
  const more = unexpected.length > LISTED_UNEXPECTED ? ` and ${unexpected.length - LISTED_UNEXPECTED} more` : '';
  throw new PlugboardError(
    'WEIGHT_UNEXPECTED',
    `${unexpected.length} tensor(s) in the weights are not used by config.json: ${listed}${more}. ` +
      'The config may not match the checkpoint (e.g. num_hidden_layers too small); if these extras are known, load with ignoreUnexpectedWeights',
    { details: { unexpected, count: unexpected.length } },
  );
}
