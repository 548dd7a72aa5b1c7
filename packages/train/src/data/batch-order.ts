import { deriveSeed } from '@plugboard/core';
import { seededPermutation } from './shuffle.ts';
import { batchOfRows } from './token-batch.ts';
import type { PackedRow, TokenBatch } from './token-batch.ts';

/** Where the data stream stands: enough to resume it exactly (the order is a pure function of seed and epoch). */
export interface DataCursor {
  epoch: number;
  /** index of the next batch within the epoch */
  batchIndex: number;
}

/**
 * The training rows as an endless stream of batches, reshuffled each epoch by
 * a seed derived from (seed, epoch): no hidden RNG state, so a checkpoint's
 * cursor restores the stream exactly.
 */
export class BatchOrder {
  private cached: { epoch: number; order: number[] } | null = null;

  constructor(
    private readonly rows: readonly PackedRow[],
    private readonly batch: number,
    private readonly sequence: number,
    private readonly seed: number,
  ) {}

  get batchesPerEpoch(): number {
    return Math.ceil(this.rows.length / this.batch);
  }

  /** The batch at `cursor` and the cursor after it. */
  take(cursor: DataCursor): { batch: TokenBatch; next: DataCursor } {
    const order = this.orderOf(cursor.epoch);
    const picked = order.slice(cursor.batchIndex * this.batch, (cursor.batchIndex + 1) * this.batch).map((i) => this.rows[i] as PackedRow);
    const atEnd = cursor.batchIndex + 1 >= this.batchesPerEpoch;
    const next = atEnd ? { epoch: cursor.epoch + 1, batchIndex: 0 } : { epoch: cursor.epoch, batchIndex: cursor.batchIndex + 1 };
    return { batch: batchOfRows(picked, this.batch, this.sequence), next };
  }

  private orderOf(epoch: number): number[] {
    if (this.cached?.epoch !== epoch) {
      this.cached = { epoch, order: seededPermutation(this.rows.length, deriveSeed(this.seed, `epoch.${epoch}`)) };
    }
    return this.cached.order;
  }
}

/** Every row once, in order, as batches (evaluation). */
export function sequentialBatches(rows: readonly PackedRow[], batch: number, sequence: number): TokenBatch[] {
  const batches: TokenBatch[] = [];
  for (let i = 0; i < rows.length; i += batch) batches.push(batchOfRows(rows.slice(i, i + batch), batch, sequence));
  return batches;
}
