import * as ort from 'onnxruntime-node';
import { PlugboardError } from '../errors/plugboard-error.ts';
import { GRAPH_INPUTS } from '../model/inference-graph.ts';
import type { KvCache } from './kv-cache.ts';
import { runSession } from '../graph/ort-session.ts';

export interface StepRow {
  /** new tokens of this row */
  tokens: number[];
  /** resident adapter slot (0 = base) */
  adapterSlot?: number;
  /** per new token: 1 where the adapter applies, 0 where the base model runs; default all 1 */
  adapterMask?: number[];
}

export interface StepOutput {
  /** [B, S_out, V] row-major, S_out = 1 for last-token graphs */
  logits: Float32Array;
  tokensPerRow: number;
  vocabSize: number;
  hiddenStates?: ort.Tensor;
}

/**
 * One forward run over a batch: right-pads the rows' new tokens, builds the
 * mask, positions and adapter feeds, runs, and advances the KV cache.
 */
export async function runStep(
  session: ort.InferenceSession,
  cache: KvCache,
  rows: StepRow[],
  slotFeeds: Record<string, ort.Tensor> | null,
): Promise<StepOutput> {
  if (rows.length !== cache.batch) {
    throw new PlugboardError('INVALID_ARGUMENT', `step has ${rows.length} rows but the cache holds ${cache.batch}`);
  }
  const width = Math.max(...rows.map((r) => r.tokens.length));
  if (cache.maxLength > 0 && width > 1 && rows.length > 1) {
    // GroupQueryAttention (CPU) takes a multi-token chunk over a past only for one row
    throw new PlugboardError('INVALID_ARGUMENT', 'several tokens can continue a cache only in a batch of one row; continue rows one at a time');
  }
  const batch = rows.length;
  // keys per row after this run; the longest row sets total_sequence_length
  const total = Math.max(...rows.map((r, b) => (cache.lengths[b] as number) + r.tokens.length));
  cache.reserve(total);
  const ids = new BigInt64Array(batch * width);
  const positions = new BigInt64Array(batch * width);
  const mask = new BigInt64Array(batch * total);
  const adapterIndex = new BigInt64Array(batch);
  const adapterMask = new Float32Array(batch * width);
  rows.forEach((row, b) => {
    const cached = cache.lengths[b] as number;
    row.tokens.forEach((token, s) => {
      ids[b * width + s] = BigInt(token);
      positions[b * width + s] = BigInt(cached + s);
      adapterMask[b * width + s] = row.adapterMask?.[s] ?? 1;
    });
    mask.fill(1n, b * total, b * total + cached + row.tokens.length);
    adapterIndex[b] = BigInt(row.adapterSlot ?? 0);
  });
  const feeds: Record<string, ort.Tensor> = {
    ...cache.feeds(),
    [GRAPH_INPUTS.inputIds]: new ort.Tensor('int64', ids, [batch, width]),
    [GRAPH_INPUTS.attentionMask]: new ort.Tensor('int64', mask, [batch, total]),
    [GRAPH_INPUTS.positionIds]: new ort.Tensor('int64', positions, [batch, width]),
  };
  if (slotFeeds) {
    Object.assign(feeds, slotFeeds);
    feeds[GRAPH_INPUTS.adapterIndex] = new ort.Tensor('int64', adapterIndex, [batch]);
    feeds[GRAPH_INPUTS.adapterMask] = new ort.Tensor('float32', adapterMask, [batch, width]);
  }
  // fetch only the new KV rows, never the whole present.* (the binding copies every output)
  const fetches = ['logits', ...cache.appendedNames()];
  if (session.outputNames.includes('hidden_states')) fetches.push('hidden_states');
  const outputs = await runSession(session, feeds, fetches);
  cache.append(outputs as Record<string, ort.Tensor>, rows.map((r) => r.tokens.length));
  const logits = outputs.logits as ort.Tensor;
  return {
    logits: logits.data as Float32Array,
    tokensPerRow: logits.dims[1] as number,
    vocabSize: logits.dims[2] as number,
    hiddenStates: outputs.hidden_states as ort.Tensor | undefined,
  };
}
