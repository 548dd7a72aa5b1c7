import { bytesOf } from '@plugboard/core';
import type { GraphBuilder } from '@plugboard/core';

/** Large enough that exp() underflows to exactly 0, finite so no inf - inf appears in gradients. */
const MASKED = -1e9;

/**
 * The additive attention mask [S, S]: 0 where query t may read key j
 * (j <= t, and within the sliding window when there is one), MASKED elsewhere.
 */
export function causalMaskConstant(b: GraphBuilder, sequence: number, slidingWindow: number | null): string {
  const mask = new Float32Array(sequence * sequence);
  for (let t = 0; t < sequence; t++) {
    for (let j = 0; j < sequence; j++) {
      const visible = j <= t && (slidingWindow === null || t - j < slidingWindow);
      mask[t * sequence + j] = visible ? 0 : MASKED;
    }
  }
  return b.initializer('attention.causal_mask', 'float32', [sequence, sequence], bytesOf(mask));
}
