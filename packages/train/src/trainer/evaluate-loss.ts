import { sequentialBatches } from '../data/batch-order.ts';
import { maskedTokenCount } from '../data/token-batch.ts';
import type { PackedRow } from '../data/token-batch.ts';
import { TRAINING_OUTPUTS } from '../model/training-graph.ts';
import { batchFeeds } from './batch-feeds.ts';
import type { GraphRunner } from './graph-runner.ts';
import type { ParameterStore } from './parameter-store.ts';

/** Token-weighted mean loss over `rows` (every learned token counts once), or null when there are none. */
export async function evaluateLoss(runner: GraphRunner, store: ParameterStore, rows: readonly PackedRow[], batch: number, sequence: number): Promise<number | null> {
  let total = 0;
  let tokens = 0;
  const parameters = store.feeds();
  for (const tokenBatch of sequentialBatches(rows, batch, sequence)) {
    const count = maskedTokenCount(tokenBatch);
    if (count === 0) continue;
    const out = await runner.run({ ...parameters, ...batchFeeds(tokenBatch) }, [TRAINING_OUTPUTS.loss]);
    total += (out.get(TRAINING_OUTPUTS.loss)?.[0] ?? Number.NaN) * count;
    tokens += count;
  }
  return tokens === 0 ? null : total / tokens;
}
