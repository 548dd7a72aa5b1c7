import { PlugboardError } from '../../errors/plugboard-error.ts';
import { layerWeightNames } from '../../hf/config.ts';
import type { LoadedBottleneck } from '../bottleneck/loaded-bottleneck.ts';
import type { LoadedLora, LoraWeights } from '../lora/loaded-lora.ts';
import { parseLoraKey } from '../lora/parse-lora-key.ts';

/**
 * How much larger than the base weight it modifies an adapter's delta may
 * be. Trained adapters sit far below 1; finite-but-absurd ones (weights of
 * std 1e19, lora_alpha 1e30) sit many orders above, and would overflow the
 * logits to NaN, i.e. token 0 for every step.
 */
export const MAX_ADAPTER_DELTA_RATIO = 1e3;

/** ‖A·B‖_F exactly, from the r×r Gram matrices (AᵀA ∘ BBᵀ summed), in float64: O((in + out)·r²). */
export function loraDeltaNorm(w: LoraWeights): number {
  const { a, b, rank: r, inFeatures, outFeatures } = w;
  const gramA = new Float64Array(r * r);
  for (let i = 0; i < inFeatures; i++) {
    for (let p = 0; p < r; p++) for (let q = 0; q < r; q++) gramA[p * r + q]! += (a[i * r + p] as number) * (a[i * r + q] as number);
  }
  let sum = 0;
  for (let p = 0; p < r; p++) {
    for (let q = 0; q < r; q++) {
      let gramB = 0;
      for (let o = 0; o < outFeatures; o++) gramB += (b[p * outFeatures + o] as number) * (b[q * outFeatures + o] as number);
      sum += (gramA[p * r + q] as number) * gramB;
    }
  }
  return Math.sqrt(Math.max(sum, 0));
}

function frobenius(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v * v;
  return Math.sqrt(sum);
}

/**
 * NUMERIC_ERROR when a LoRA's delta ‖scale·A·B‖ (B is pre-scaled) exceeds
 * MAX_ADAPTER_DELTA_RATIO times the Frobenius norm of the base weight it
 * adds to. Modules whose base norm is unknown are not bounded.
 */
export function checkLoraMagnitude(adapter: LoadedLora, baseNorms: ReadonlyMap<string, number>): void {
  for (const [key, w] of adapter.weights) {
    const { layer, module } = parseLoraKey(key);
    const base = baseNorms.get(layerWeightNames(layer)[module]);
    if (base === undefined) continue;
    checkRatio(adapter.name, `layer ${layer} module ${module}`, loraDeltaNorm(w), base);
  }
}

/**
 * The same bound for a bottleneck adapter, whose output adds to the MLP's:
 * its gain ‖up‖·(‖down‖ + ‖down_bias‖) + ‖up_bias‖ (activations are at most
 * 1-Lipschitz) against the norm of the layer's down_proj.
 */
export function checkBottleneckMagnitude(adapter: LoadedBottleneck, baseNorms: ReadonlyMap<string, number>): void {
  for (const [layer, w] of adapter.weights) {
    const base = baseNorms.get(layerWeightNames(layer).down);
    if (base === undefined) continue;
    const gain = frobenius(w.up) * (frobenius(w.down) + frobenius(w.downBias)) + frobenius(w.upBias);
    checkRatio(adapter.name, `layer ${layer} (bottleneck after the MLP)`, gain, base);
  }
}

function checkRatio(adapter: string, where: string, delta: number, base: number): void {
  const ratio = delta / base;
  // a zero base weight (ratio Infinity or NaN) bounds nothing
  if (!(base > 0) || ratio <= MAX_ADAPTER_DELTA_RATIO) return;
  throw new PlugboardError(
    'NUMERIC_ERROR',
    `adapter "${adapter}" ${where}: its delta norm ${delta.toExponential(3)} is ${ratio.toExponential(3)} times the base weight's ${base.toExponential(3)} (at most ${MAX_ADAPTER_DELTA_RATIO} allowed); its weights or lora_alpha are absurd — retrain or re-export it`,
    { details: { adapter, where, ratio, deltaNorm: delta, baseNorm: base } },
  );
}
