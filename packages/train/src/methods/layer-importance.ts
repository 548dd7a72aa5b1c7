import { z } from 'zod';

/** The LISA probe's result: saved with the adapter so the layer choice can be audited. */
export const LayerImportanceSchema = z.object({
  /** per layer: RMS over probe batches of the gradient L2 norm of the layer's base weights */
  scores: z.array(z.number()),
  /** layer indices, most important first */
  ranking: z.array(z.number().int().nonnegative()),
  probeBatches: z.number().int().positive(),
});
export type LayerImportance = z.infer<typeof LayerImportanceSchema>;

export function rankLayers(scores: readonly number[], probeBatches: number): LayerImportance {
  const ranking = scores.map((_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  return { scores: [...scores], ranking, probeBatches };
}
