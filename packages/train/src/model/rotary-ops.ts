import { attr, bytesOf } from '@plugboard/core';
import type { GraphBuilder } from '@plugboard/core';

export interface RotaryConstants {
  /** [S, headDim]: cos of each position's angles, the half-width table repeated twice */
  cos: string;
  sin: string;
  headDim: number;
}

/** cos/sin tables for positions 0..S-1 (Hugging Face rotate_half convention), as graph constants. */
export function rotaryConstants(b: GraphBuilder, sequence: number, headDim: number, theta: number): RotaryConstants {
  const half = headDim / 2;
  const cos = new Float32Array(sequence * headDim);
  const sin = new Float32Array(sequence * headDim);
  for (let t = 0; t < sequence; t++) {
    for (let j = 0; j < half; j++) {
      const angle = t / theta ** ((2 * j) / headDim);
      for (const offset of [j, j + half]) {
        cos[t * headDim + offset] = Math.cos(angle);
        sin[t * headDim + offset] = Math.sin(angle);
      }
    }
  }
  return {
    cos: b.initializer('rotary.cos', 'float32', [sequence, headDim], bytesOf(cos)),
    sin: b.initializer('rotary.sin', 'float32', [sequence, headDim], bytesOf(sin)),
    headDim,
  };
}

/** x [B, H, S, hd] rotated: x cos + rotate_half(x) sin, rotate_half(x) = [-x2, x1]. */
export function applyRotaryOps(b: GraphBuilder, x: string, rotary: RotaryConstants): string {
  const half = rotary.headDim / 2;
  const axis = b.constant('int64', [3]);
  const first = b.op1('Slice', [x, b.constant('int64', [0]), b.constant('int64', [half]), axis]);
  const second = b.op1('Slice', [x, b.constant('int64', [half]), b.constant('int64', [rotary.headDim]), axis]);
  const rotated = b.op1('Concat', [b.op1('Neg', [second]), first], { axis: attr.int(3) });
  return b.op1('Add', [b.op1('Mul', [x, rotary.cos]), b.op1('Mul', [rotated, rotary.sin])]);
}
