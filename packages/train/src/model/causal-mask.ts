import { bytesOf } from '@plugboard/core';
import type { GraphBuilder } from '@plugboard/core';

/** Large enough that exp() underflows to exactly 0, finite so no inf - inf appears in gradients. */
const MASKED = -1e9;

/**
 * The additive attention mask [B, 1, S, S]: 0 where query t may read key j
 * (j <= t, within the sliding window when there is one, and in the same
 * segment: packed examples never see each other), MASKED elsewhere. Built
 * from the `segment_ids` input [B, S]; off the gradient path.
 */
export function attentionMaskOps(b: GraphBuilder, segmentIds: string, sequence: number, slidingWindow: number | null): string {
  const causal = new Float32Array(sequence * sequence);
  for (let t = 0; t < sequence; t++) {
    for (let j = 0; j < sequence; j++) {
      const visible = j <= t && (slidingWindow === null || t - j < slidingWindow);
      causal[t * sequence + j] = visible ? 0 : MASKED;
    }
  }
  const causalMask = b.initializer('attention.causal_mask', 'float32', [sequence, sequence], bytesOf(causal));
  const queries = b.op1('Unsqueeze', [segmentIds, b.constant('int64', [2])]);
  const keys = b.op1('Unsqueeze', [segmentIds, b.constant('int64', [1])]);
  const sameSegment = b.op1('Equal', [queries, keys]);
  const mask = b.op1('Where', [sameSegment, causalMask, b.constant('float32', [MASKED], [])]);
  return b.op1('Unsqueeze', [mask, b.constant('int64', [1])]);
}

