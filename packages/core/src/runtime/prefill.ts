import type * as ort from 'onnxruntime-node';
import type { KvCache } from './kv-cache.ts';
import type { StepOutput, StepRow } from './step.ts';
import { runStep } from './step.ts';

export interface PrefillOptions {
  /** most tokens per run when one row prefills; default: all at once */
  chunkTokens?: number;
  /** called before each run (throw to cancel between chunks) */
  beforeRun?: () => void;
}

/**
 * Runs the rows' new tokens through the model. A single row's long prompt
 * goes in chunks of `chunkTokens`, each continuing the cache: activations
 * and GQA's attention scores stay small (S × intermediate, S × total per
 * head), the int4 matmuls run faster on them, and cancellation takes effect
 * between chunks. Several rows run in one step (GroupQueryAttention on CPU
 * continues a cache with several tokens only for a batch of one row).
 * Returns the last run's output: the logits of each row's newest token.
 */
export async function prefill(
  session: ort.InferenceSession,
  cache: KvCache,
  rows: StepRow[],
  slotFeeds: Record<string, ort.Tensor> | null,
  options: PrefillOptions = {},
): Promise<StepOutput> {
  const [row] = rows;
  const chunk = options.chunkTokens ?? Infinity;
  if (rows.length !== 1 || row === undefined || row.tokens.length <= chunk) {
    options.beforeRun?.();
    return runStep(session, cache, rows, slotFeeds);
  }
  cache.reserve((cache.lengths[0] as number) + row.tokens.length);
  let output: StepOutput | undefined;
  for (let start = 0; start < row.tokens.length; start += chunk) {
    options.beforeRun?.();
    const end = start + chunk;
    output = await runStep(session, cache, [{ ...row, tokens: row.tokens.slice(start, end), adapterMask: row.adapterMask?.slice(start, end) }], slotFeeds);
  }
  return output as StepOutput;
}
