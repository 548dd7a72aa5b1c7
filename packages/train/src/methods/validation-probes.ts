import { withinEpsilon } from './layer-importance.ts';
import type { LayerImportance } from './layer-importance.ts';

/**
 * Trains a short probe adapter (the skill's adapter kind) in exactly these
 * layers from the base model and returns its held-out loss. The trainer
 * supplies it; the probes here only decide which layers to try.
 */
export type FitProbe = (layers: number[]) => Promise<number>;

/** Validation scan: one probe adapter per layer, each ranked by how far it drops the held-out loss. */
export async function scanLayerImportance(numLayers: number, baseLoss: number, fitProbe: FitProbe): Promise<LayerImportance> {
  const scores: number[] = [];
  for (let layer = 0; layer < numLayers; layer++) scores.push(baseLoss - (await fitProbe([layer])));
  const ranking = scores.map((_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  return { probe: 'scan', scores, ranking, probeBatches: numLayers, baseLoss };
}

/**
 * Progressive from the top: a probe adapter in the top layer, then the top
 * two, … while the held-out loss drop still grows by more than ε (the rule
 * of `withinEpsilon`). Each layer's score is the drop its addition brought;
 * the ranking lists layers in the order they were (or would be) added.
 */
export async function progressiveLayerImportance(numLayers: number, baseLoss: number, epsilon: number, fitProbe: FitProbe): Promise<LayerImportance> {
  const ranking = Array.from({ length: numLayers }, (_, i) => numLayers - 1 - i);
  const scores = new Array<number>(numLayers).fill(0);
  let drop = 0;
  let trained = 0;
  for (let k = 1; k <= numLayers; k++) {
    const nextDrop = baseLoss - (await fitProbe(ranking.slice(0, k)));
    trained += 1;
    const added = ranking[k - 1] as number;
    if (nextDrop <= 0 || (k > 1 && withinEpsilon(drop, nextDrop, epsilon))) break;
    scores[added] = nextDrop - drop;
    drop = nextDrop;
  }
  return { probe: 'progressive', scores, ranking, probeBatches: trained, baseLoss };
}
