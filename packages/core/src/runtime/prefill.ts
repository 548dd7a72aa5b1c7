import type * as ort from 'onnxruntime-node';
import type { KvCache } from './kv-cache.ts';
import type { StepOutput, StepRow } from './step.ts';
import { runStep } from './step.ts';

export interface PrefillOptions {
  /** most tokens per run; default: all at once */
  chunkTokens?: number;
  /** called before each run (throw to cancel between chunks) */
  beforeRun?: () => void;
}

/**
 * Runs the rows' new tokens through the model and returns the logits of
 * each row's newest token. Prompts no longer than a chunk go in one batched
 * run. A longer prompt goes in chunks of `chunkTokens`, each continuing the
 * cache: activations and GQA's score matrices stay small, the int4 matmuls
 * run faster on them, and cancellation takes effect between chunks. CPU
 * GroupQueryAttention continues a cache with several tokens only for a batch
 * of one row, so in a batch with a long prompt every row is prefilled alone
 * (no padding to the longest row either) into its own cache, then copied
 * into its row of `cache`, which must be empty then.
 */
export async function prefill(
  session: ort.InferenceSession,
  cache: KvCache,
  rows: StepRow[],
  slotFeeds: Record<string, ort.Tensor> | null,
  options: PrefillOptions = {},
): Promise<StepOutput> {
  const chunk = options.chunkTokens ?? Infinity;
  const [first] = rows;
  if (first === undefined || Math.max(...rows.map((r) => r.tokens.length)) <= chunk || (rows.length > 1 && cache.maxLength > 0)) {
    // (several rows over a non-empty cache: runStep refuses them with a clear error)
    options.beforeRun?.();
    return runStep(session, cache, rows, slotFeeds);
  }
  if (rows.length === 1) return prefillInChunks(session, cache, first, slotFeeds, chunk, options.beforeRun);
  const outputs: StepOutput[] = [];
  for (const [b, row] of rows.entries()) {
    const single = cache.emptyLike(1);
    outputs.push(await prefillInChunks(session, single, row, slotFeeds, chunk, options.beforeRun));
    cache.copyRow(b, single);
  }
  return stackLastTokens(outputs);
}

async function prefillInChunks(
  session: ort.InferenceSession,
  cache: KvCache,
  row: StepRow,
  slotFeeds: Record<string, ort.Tensor> | null,
  chunk: number,
  beforeRun?: () => void,
): Promise<StepOutput> {
  cache.reserve((cache.lengths[0] as number) + row.tokens.length);
  let output: StepOutput | undefined;
  for (let start = 0; start < row.tokens.length; start += chunk) {
    beforeRun?.();
    const end = start + chunk;
    output = await runStep(session, cache, [{ ...row, tokens: row.tokens.slice(start, end), adapterMask: row.adapterMask?.slice(start, end) }], slotFeeds);
  }
  return output as StepOutput;
}

/** Single-row outputs as one [B, 1, V] output: each row's last position (a single row has no padding). */
function stackLastTokens(outputs: StepOutput[]): StepOutput {
  const vocabSize = (outputs[0] as StepOutput).vocabSize;
  const logits = new Float32Array(outputs.length * vocabSize);
  outputs.forEach((out, b) => logits.set(out.logits.subarray(out.logits.length - vocabSize), b * vocabSize));
  return { logits, tokensPerRow: 1, vocabSize };
}
