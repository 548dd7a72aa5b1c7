import type { StepOutput } from './step.ts';

/** Row `row`'s logits at position `position` of a run's output ([B, S_out, V]). */
export function rowLogits(output: StepOutput, row: number, position: number): Float32Array {
  const offset = (row * output.tokensPerRow + position) * output.vocabSize;
  return output.logits.subarray(offset, offset + output.vocabSize);
}
