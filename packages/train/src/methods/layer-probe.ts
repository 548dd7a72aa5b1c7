import type { ModelConfig } from '@plugboard/core';
import { maskedTokenCount } from '../data/token-batch.ts';
import type { TokenBatch } from '../data/token-batch.ts';
import { batchFeeds } from '../trainer/batch-feeds.ts';
import type { GradientSessions } from '../trainer/gradient-sessions.ts';
import { gradientName } from '../autodiff/differentiate.ts';
import type { ParameterStore } from '../trainer/parameter-store.ts';
import { layerParameterNames } from './layer-names.ts';
import { rankLayers } from './layer-importance.ts';
import type { LayerImportance } from './layer-importance.ts';

/**
 * LISA's importance probe: the gradient of the skill's loss with respect to
 * each layer's base weights, on a few batches of the skill's own data. Layers
 * whose weights the task pulls hardest rank first. `sessions` must be over the
 * base training graph, `store` hold the base weights.
 */
export async function probeLayerImportance(
  config: ModelConfig,
  sessions: GradientSessions,
  store: ParameterStore,
  batches: readonly TokenBatch[],
): Promise<LayerImportance> {
  const perLayer = Array.from({ length: config.numLayers }, (_, layer) => layerParameterNames(config, layer));
  const runner = await sessions.forGradients(perLayer.flat());
  const squares = new Array<number>(config.numLayers).fill(0);
  const used = batches.filter((batch) => maskedTokenCount(batch) > 0);
  const parameters = store.feeds();
  for (const batch of used) {
    const fetches = perLayer.flat().map(gradientName);
    const grads = await runner.run({ ...parameters, ...batchFeeds(batch) }, fetches);
    perLayer.forEach((names, layer) => {
      for (const name of names) for (const g of grads.get(gradientName(name)) ?? []) squares[layer] = (squares[layer] as number) + g * g;
    });
  }
  const count = Math.max(1, used.length);
  return rankLayers(squares.map((s) => Math.sqrt(s / count)), count);
}
