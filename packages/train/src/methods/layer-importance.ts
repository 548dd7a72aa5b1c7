import { z } from 'zod';
import { LAYER_PROBES } from './method-options.ts';

/** The LISA probe's result: saved with the adapter so the layer choice can be audited. */
export const LayerImportanceSchema = z.object({
  /** which probe scored the layers; checkpoints from before there was a choice used the gradient probe */
  probe: z.enum(LAYER_PROBES).default('gradient'),
  /**
   * per layer: gradient — RMS over probe batches of the gradient L2 norm of
   * the layer's base weights; scan — held-out loss drop of a short probe
   * adapter in that layer alone; progressive — the drop that adding the
   * layer (from the output side down) brought, 0 for layers never added
   */
  scores: z.array(z.number()),
  /** layer indices, most important first (progressive: in the order they were added) */
  ranking: z.array(z.number().int().nonnegative()),
  /** gradient: training batches averaged; scan / progressive: the number of probe adapters trained */
  probeBatches: z.number().int().positive(),
  /** scan / progressive: the base model's held-out loss the drops are measured from */
  baseLoss: z.number().optional(),
  /** the layers the plan chose (the top-k of the ranking), ascending */
  selected: z.array(z.number().int().nonnegative()).optional(),
});
export type LayerImportance = z.infer<typeof LayerImportanceSchema>;
export type LayerImportanceInput = z.input<typeof LayerImportanceSchema>;

export function rankLayers(scores: readonly number[], probeBatches: number, probe: LayerImportance['probe'] = 'gradient'): LayerImportance {
  const ranking = scores.map((_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  return { probe, scores: [...scores], ranking, probeBatches };
}

/**
 * Whether k ranked layers are as good as k + 1 up to ε: V(k) ≥ (1 − ε)·V(k+1),
 * with V(k) the summed (non-negative) scores of the first k. One rule for
 * `topK: 'auto'` and for the progressive probe's stop.
 */
export function withinEpsilon(valueK: number, valueNext: number, epsilon: number): boolean {
  return valueK >= (1 - epsilon) * valueNext;
}

/** `topK: 'auto'`: the smallest k ≥ 1 whose top-k value is within ε of top-(k+1)'s (all layers when none is). */
export function autoTopK(importance: Pick<LayerImportance, 'scores' | 'ranking'>, epsilon: number): number {
  const values = [0];
  for (const layer of importance.ranking) values.push((values.at(-1) as number) + Math.max(0, importance.scores[layer] ?? 0));
  for (let k = 1; k < importance.ranking.length; k++) {
    if (withinEpsilon(values[k] as number, values[k + 1] as number, epsilon)) return k;
  }
  return importance.ranking.length;
}
