import { PlugboardError } from '../errors/plugboard-error.ts';
import { frequenciesAt } from './rotary-frequencies.ts';
import type { RotaryConfig } from './rotary-frequencies.ts';

/** Most positions a rotary table is built for (at head_dim 128: 512 MiB of cos/sin). */
export const MAX_ROTARY_POSITIONS = 1 << 20;

/**
 * cos/sin caches [rows, headDim/2] for positions 0..rows-1 (rows: the context
 * the graph is built for, never more than it needs) for rotary embeddings (HF
 * rotate_half convention), with the config's rope scaling and its attention
 * factor folded into cos and sin; computed in float64, stored as float32.
 */
export function rotaryTables(config: RotaryConfig, rows: number): { cos: Float32Array; sin: Float32Array; rows: number; half: number } {
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_ROTARY_POSITIONS) {
    throw new PlugboardError(
      'INVALID_ARGUMENT',
      `a context of ${rows} positions is out of range for the rotary table (1 … ${MAX_ROTARY_POSITIONS}): load the model with a smaller contextLength`,
    );
  }
  const half = config.headDim / 2;
  const cos = new Float32Array(rows * half);
  const sin = new Float32Array(rows * half);
  const at = frequenciesAt(config);
  for (let p = 0; p < rows; p++) {
    const { inverse, scale } = at(p);
    for (let j = 0; j < half; j++) {
      const angle = p * (inverse[j] as number);
      cos[p * half + j] = Math.cos(angle) * scale;
      sin[p * half + j] = Math.sin(angle) * scale;
    }
  }
  return { cos, sin, rows, half };
}
