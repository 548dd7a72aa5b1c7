import type * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { PlugboardError } from '../errors/plugboard-error.ts';
import type { ModelConfig } from '../hf/config.ts';
import type { Tokenizer } from '../hf/tokenizer.ts';
import { KvCache } from './kv-cache.ts';
import { runStep } from './step.ts';

export const LogprobsOptionsSchema = z.object({
  /** alternatives per position, most likely first (0 = none) */
  topK: z.number().int().nonnegative().default(0),
  /** resident adapter slot the tokens are scored with (0 = base) */
  adapterSlot: z.number().int().nonnegative().default(0),
});
export type LogprobsOptions = z.input<typeof LogprobsOptionsSchema>;

export interface TokenAlternative {
  token: number;
  text: string;
  logprob: number;
}

/** One scored token: log p(token | every token before it). */
export interface TokenLogprob extends TokenAlternative {
  /** index of the token in `tokens` (1 … n-1: the first token has no context to be predicted from) */
  position: number;
  /** the topK most likely tokens at this position */
  top: TokenAlternative[];
}

export interface LogprobsResult {
  tokens: number[];
  scored: TokenLogprob[];
  /** Σ logprob over the scored tokens */
  total: number;
  /** exp(-total / scored.length) */
  perplexity: number;
}

/** What scoring needs from a model: an all-token-logits session and its adapter feeds. */
export interface LogprobsHost {
  readonly config: ModelConfig;
  readonly tokenizer: Tokenizer;
  readonly contextLength: number;
  readonly prefillChunkTokens: number;
  slotFeeds(): Record<string, ort.Tensor> | null;
}

/** log-softmax of one row of logits, in float64. */
function logSoftmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  const logSum = max + Math.log(sum);
  return Float64Array.from(logits, (v) => v - logSum);
}

/** Indices of the k largest values, largest first (one pass keeping a small sorted list). */
function topIndices(values: Float64Array, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (best.length === k && v <= (values[best[k - 1] as number] as number)) continue;
    let at = best.length;
    while (at > 0 && v > (values[best[at - 1] as number] as number)) at--;
    best.splice(at, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

/**
 * The log-probability of every token after the first given those before it,
 * from one pass over the tokens (in runs of `prefillChunkTokens`, each
 * continuing the KV cache) through a graph that returns every token's logits.
 */
export async function scoreTokens(host: LogprobsHost, session: ort.InferenceSession, tokens: number[], input: LogprobsOptions = {}): Promise<LogprobsResult> {
  const parsed = LogprobsOptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw new PlugboardError('INVALID_ARGUMENT', `invalid logprobs options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const { topK, adapterSlot } = parsed.data;
  const { vocabSize } = host.config;
  if (topK > vocabSize) throw new PlugboardError('INVALID_ARGUMENT', `topK ${topK} exceeds the vocabulary (${vocabSize} tokens)`);
  if (tokens.length < 2) {
    throw new PlugboardError('INVALID_ARGUMENT', `logprobs needs at least 2 tokens (the first is context only), got ${tokens.length}: pass a longer text`);
  }
  if (tokens.length > host.contextLength) {
    throw new PlugboardError('PROMPT_TOO_LONG', `${tokens.length} tokens exceed the context of ${host.contextLength}: score a shorter text or load with a larger contextLength`, {
      details: { promptTokens: tokens.length, contextLength: host.contextLength },
    });
  }
  const cache = KvCache.empty(host.config, 1);
  // the last token is only ever predicted, never a context: n - 1 tokens go in
  const inputs = tokens.slice(0, -1);
  cache.reserve(inputs.length);
  const scored: TokenLogprob[] = [];
  // ids past the tokenizer (a vocab_size padded beyond it) have no text
  const textOf = (token: number) => (host.tokenizer.idToToken(token) === undefined ? '' : host.tokenizer.decode([token]));
  const alternative = (token: number, logprob: number): TokenAlternative => ({ token, text: textOf(token), logprob });
  for (let start = 0; start < inputs.length; start += host.prefillChunkTokens) {
    const chunk = inputs.slice(start, start + host.prefillChunkTokens);
    const out = await runStep(session, cache, [{ tokens: chunk, adapterSlot }], host.slotFeeds());
    for (let s = 0; s < chunk.length; s++) {
      const logprobs = logSoftmax(out.logits.subarray(s * vocabSize, (s + 1) * vocabSize));
      const position = start + s + 1;
      const token = tokens[position] as number;
      const top = topIndices(logprobs, topK).map((id) => alternative(id, logprobs[id] as number));
      scored.push({ ...alternative(token, logprobs[token] as number), position, top });
    }
  }
  const total = scored.reduce((sum, s) => sum + s.logprob, 0);
  return { tokens, scored, total, perplexity: Math.exp(-total / scored.length) };
}
