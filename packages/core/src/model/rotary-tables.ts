import type { ModelConfig } from '../hf/config.ts';

/**
 * cos/sin caches [rows, headDim/2] for positions 0..rows-1 (default the
 * model's max_position_embeddings) for rotary embeddings (HF rotate_half
 * convention), computed in float64 then stored as float32.
 */
export function rotaryTables(
  config: Pick<ModelConfig, 'headDim' | 'ropeTheta' | 'maxPositionEmbeddings'>,
  rows = config.maxPositionEmbeddings,
): { cos: Float32Array; sin: Float32Array; rows: number; half: number } {
  const half = config.headDim / 2;
  const cos = new Float32Array(rows * half);
  const sin = new Float32Array(rows * half);
  for (let j = 0; j < half; j++) {
    const invFreq = 1 / Math.pow(config.ropeTheta, (2 * j) / config.headDim);
    for (let p = 0; p < rows; p++) {
      const angle = p * invFreq;
      cos[p * half + j] = Math.cos(angle);
      sin[p * half + j] = Math.sin(angle);
    }
  }
  return { cos, sin, rows, half };
}
