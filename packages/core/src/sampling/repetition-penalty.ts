import { PlugboardError } from '../errors/plugboard-error.ts';

/**
 * Runs `use` on `logits` with the HF/CTRL repetition penalty applied to every
 * distinct token of the context (or of its last `window` tokens): a positive
 * logit is divided by `penalty`, any other is multiplied by it.
 *
 * To avoid copying a 150k-entry row every step, the penalty is written into
 * `logits` in place and the original values are put back before returning
 * (also when `use` throws), so the caller's row is unchanged afterwards.
 */
export function withRepetitionPenalty<T>(
  logits: Float32Array,
  context: readonly number[],
  penalty: number,
  window: number | undefined,
  use: () => T,
): T {
  if (penalty === 1 || context.length === 0) return use();
  const start = window === undefined ? 0 : Math.max(0, context.length - window);
  const originals = new Map<number, number>();
  try {
    for (let i = start; i < context.length; i += 1) {
      const id = context[i];
      if (originals.has(id)) continue;
      checkTokenId(id, logits.length);
      const logit = logits[id];
      originals.set(id, logit);
      logits[id] = logit > 0 ? logit / penalty : logit * penalty;
    }
    return use();
  } finally {
    for (const [id, logit] of originals) logits[id] = logit;
  }
}

function checkTokenId(id: number, vocabSize: number): void {
  if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
    throw new PlugboardError(
      'INVALID_ARGUMENT',
      `context token id ${id} is outside the vocabulary [0, ${vocabSize}); pass the ids of the tokens generated so far`,
      { details: { tokenId: id, vocabSize } },
    );
  }
}
