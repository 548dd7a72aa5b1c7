import { PlugboardError } from '../errors/plugboard-error.ts';

/**
 * INVALID_ARGUMENT unless every id is an integer in [0, vocabSize): ONNX
 * Gather wraps a negative id (-1 would run as the last token) and BigInt()
 * throws a raw RangeError on 1.5, so ids are checked before they reach a run.
 */
export function checkTokenIds(tokens: readonly number[], vocabSize: number, what: string): void {
  const index = tokens.findIndex((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
  if (index === -1) return;
  throw new PlugboardError(
    'INVALID_ARGUMENT',
    `${what} token ${index} is ${tokens[index]}: token ids must be integers in 0..${vocabSize - 1} (the model's vocabulary); encode text with the model's tokenizer`,
    { details: { index, tokenId: tokens[index], vocabSize } },
  );
}
