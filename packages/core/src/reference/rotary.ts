import type { RotaryFrequencies } from '../model/rotary-frequencies.ts';

/**
 * Rotary position embedding, Hugging Face "rotate_half" (non-interleaved)
 * convention. `x` holds `positions.length` tokens of `numHeads` heads of
 * `headDim` values; each head splits into halves x1, x2 and becomes
 * s · [x1 cos - x2 sin, x2 cos + x1 sin] with angle p · inverse[j] and s the
 * attention factor, both from `frequencies(p)` (plain rotary: `theta`, i.e.
 * inverse[j] = 1 / theta^(2j/headDim), s = 1).
 */
export function applyRotary(
  x: Float32Array,
  positions: ArrayLike<number>,
  numHeads: number,
  headDim: number,
  frequencies: number | ((position: number) => RotaryFrequencies),
): Float32Array {
  const half = headDim / 2;
  const at = typeof frequencies === 'number' ? plainFrequencies(frequencies, headDim) : frequencies;
  const y = new Float32Array(x.length);
  for (let t = 0; t < positions.length; t++) {
    const { inverse, scale } = at(positions[t] as number);
    for (let j = 0; j < half; j++) {
      const angle = (positions[t] as number) * (inverse[j] as number);
      const cos = Math.cos(angle) * scale;
      const sin = Math.sin(angle) * scale;
      for (let h = 0; h < numHeads; h++) {
        const base = (t * numHeads + h) * headDim;
        const x1 = x[base + j] as number;
        const x2 = x[base + j + half] as number;
        y[base + j] = x1 * cos - x2 * sin;
        y[base + j + half] = x2 * cos + x1 * sin;
      }
    }
  }
  return y;
}

/** Unscaled rotary, written out here so the plain case stays independent of the scaling code. */
function plainFrequencies(theta: number, headDim: number): () => RotaryFrequencies {
  const inverse = Float64Array.from({ length: headDim / 2 }, (_, j) => 1 / theta ** ((2 * j) / headDim));
  return () => ({ inverse, scale: 1 });
}
