import { PlugboardError } from '../errors/plugboard-error.ts';

/**
 * Throws NUMERIC_ERROR when a step's logits hold NaN or +Infinity, or no
 * finite value at all: there is no distribution to sample from, and picking
 * argmax 0 would hide a broken model behind a plausible-looking token.
 */
export function checkLogits(logits: Float32Array): void {
  let finite = false;
  for (let id = 0; id < logits.length; id += 1) {
    const value = logits[id];
    if (value > -Infinity && value < Infinity) finite = true;
    else if (value !== -Infinity) throw nonFinite(`${value} at token id ${id}`);
  }
  if (!finite) throw nonFinite('only -Infinity');
}

function nonFinite(what: string): PlugboardError {
  return new PlugboardError(
    'NUMERIC_ERROR',
    `the logits of this decode step contain ${what}; the model's weights or an adapter hold non-finite or overflowing values — check them (and the adapter's scale) before generating`,
  );
}
