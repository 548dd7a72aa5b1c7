import { attr } from '@plugboard/core';
import type { GraphBuilder } from '@plugboard/core';

/**
 * Masked mean cross-entropy: sum(mask · nll) / sum(mask), for logits [N, V],
 * targets int64 [N, 1] and mask [N, 1]. The caller guarantees sum(mask) > 0.
 */
export function maskedCrossEntropyOps(b: GraphBuilder, logits: string, targets: string, mask: string): string {
  const logProbabilities = b.op1('LogSoftmax', [logits], { axis: attr.int(1) });
  const picked = b.op1('GatherElements', [logProbabilities, targets], { axis: attr.int(1) });
  const allAxes = b.constant('int64', [0, 1]);
  const total = b.op1('ReduceSum', [b.op1('Mul', [picked, mask]), allAxes], { keepdims: attr.int(0) });
  const count = b.op1('ReduceSum', [mask, allAxes], { keepdims: attr.int(0) });
  return b.op1('Neg', [b.op1('Div', [total, count])]);
}
