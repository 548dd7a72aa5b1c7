import { PlugboardError } from '../errors/plugboard-error.ts';

/** The tokens a constrained decoder allows at one step: every other id is masked to −Infinity before sampling. */
export interface TokenMask {
  /** allowed ids, ascending */
  readonly ids: Int32Array;
  /** end-of-generation ids allowed at this step too (the constrained output is complete) */
  readonly endIds: readonly number[];
}

/**
 * Writes `logits` with every id outside `mask` set to −Infinity into the
 * first `logits.length` entries of `out` and returns that row. Throws
 * NUMERIC_ERROR when no allowed id has a finite logit.
 */
export function applyTokenMask(logits: Float32Array, mask: TokenMask, out: Float32Array): Float32Array {
  const row = out.subarray(0, logits.length);
  row.fill(-Infinity);
  let finite = false;
  const keep = (id: number) => {
    if (id >= logits.length) return;
    const value = logits[id];
    row[id] = value;
    if (value > -Infinity) finite = true;
  };
  for (let i = 0; i < mask.ids.length; i += 1) keep(mask.ids[i]);
  for (const id of mask.endIds) keep(id);
  if (!finite) {
    throw new PlugboardError(
      'NUMERIC_ERROR',
      `none of the ${mask.ids.length + mask.endIds.length} tokens the constraint allows has a finite logit; the model gives them no probability at all`,
    );
  }
  return row;
}
