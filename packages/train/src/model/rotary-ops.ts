import { attr, bytesOf, rotaryTables } from '@plugboard/core';
import type { GraphBuilder, RotaryConfig } from '@plugboard/core';

export interface RotaryConstants {
  /** [S, headDim]: cos of each position's angles, the half-width table repeated twice */
  cos: string;
  sin: string;
  headDim: number;
}

/** cos/sin for positions 0..S-1 as graph constants [S, headDim]: core's half-width tables (rope scaling included), each row repeated twice to match rotate_half. */
export function rotaryConstants(b: GraphBuilder, sequence: number, config: RotaryConfig): RotaryConstants {
  const { headDim } = config;
  const tables = rotaryTables(config, sequence);
  const widen = (half: Float32Array) => {
    const full = new Float32Array(sequence * headDim);
    for (let t = 0; t < sequence; t++) {
      const row = half.subarray(t * tables.half, (t + 1) * tables.half);
      full.set(row, t * headDim);
      full.set(row, t * headDim + tables.half);
    }
    return full;
  };
  return {
    cos: b.initializer('rotary.cos', 'float32', [sequence, headDim], bytesOf(widen(tables.cos))),
    sin: b.initializer('rotary.sin', 'float32', [sequence, headDim], bytesOf(widen(tables.sin))),
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
