/** One training step's token rows: inputs, next-token targets, the loss mask and segment ids, all [batch, sequence] row-major. */
export interface TokenBatch {
  batch: number;
  sequence: number;
  inputIds: BigInt64Array;
  targets: BigInt64Array;
  lossMask: Float32Array;
  /** tokens attend only to earlier tokens of the same segment (one per packed example) */
  segmentIds: BigInt64Array;
}

/**
 * A packed row of S + 1 tokens: position t predicts token t + 1; `weights[t]`
 * is 1 where token t counts for the loss; `segments[t]` says which packed
 * example token t belongs to (omitted: the whole row is one).
 */
export interface PackedRow {
  tokens: number[];
  weights: number[];
  segments?: number[];
}

/** Stacks `rows` (each S + 1 tokens) into a batch; missing rows become padding with mask 0. */
export function batchOfRows(rows: readonly PackedRow[], batch: number, sequence: number): TokenBatch {
  const inputIds = new BigInt64Array(batch * sequence);
  const targets = new BigInt64Array(batch * sequence);
  const lossMask = new Float32Array(batch * sequence);
  const segmentIds = new BigInt64Array(batch * sequence);
  rows.slice(0, batch).forEach((row, r) => {
    for (let t = 0; t < sequence; t++) {
      inputIds[r * sequence + t] = BigInt(row.tokens[t] ?? 0);
      targets[r * sequence + t] = BigInt(row.tokens[t + 1] ?? 0);
      lossMask[r * sequence + t] = row.weights[t + 1] ?? 0;
      segmentIds[r * sequence + t] = BigInt(row.segments?.[t] ?? 0);
    }
  });
  return { batch, sequence, inputIds, targets, lossMask, segmentIds };
}

export function maskedTokenCount(batch: TokenBatch): number {
  let count = 0;
  for (const weight of batch.lossMask) count += weight;
  return count;
}
