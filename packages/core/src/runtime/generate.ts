import { randomUUID } from 'node:crypto';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { PlugboardError } from '../errors/plugboard-error.ts';
import type { GenerationResult, ModelEventEmitter } from '../events/model-events.ts';
import type { ModelConfig } from '../hf/config.ts';
import type { Tokenizer } from '../hf/tokenizer.ts';
import type { SamplingOptions, SamplingOptionsInput } from '../sampling/sampling-options.ts';
import { parseSamplingOptions } from '../sampling/sampling-options.ts';
import type { ConstraintSpec } from '../constrained/constraint-spec.ts';
import { compileConstraint } from '../constrained/compile-constraint.ts';
import { abortedError } from './aborted-error.ts';
import { emitToken } from './emit-token.ts';
import { GenerationRow, rowPolicyOf } from './generation-row.ts';
import { rowLogits } from './row-logits.ts';
import { GenerationStream } from './generation-stream.ts';
import { KvCache } from './kv-cache.ts';
import type { StepOutput, StepRow } from './step.ts';
import { runStep } from './step.ts';
import { prefill } from './prefill.ts';
import { checkTokenIds } from './check-token-ids.ts';

export interface GeneratedToken {
  row: number;
  tokenId: number;
  /** text that became final with this token (may be empty mid-character or while a stop string may be forming) */
  text: string;
}

export interface GenerateOptions extends SamplingOptionsInput {
  signal?: AbortSignal;
  /** keep generating past the tokenizer's EOS tokens (benchmarks want a fixed token count) */
  ignoreEos?: boolean;
  requestId?: string;
  /**
   * decode under a token mask so the output always parses (JSON Schema or tool
   * calls); a row ends with finish 'stop' once its output is complete, and
   * with 'length' (output cut short, not parseable) when maxTokens comes first
   */
  constraint?: ConstraintSpec;
}

/** Everything the loop needs from a loaded model. */
export interface GenerationHost {
  config: ModelConfig;
  tokenizer: Tokenizer;
  session: InferenceSession;
  /** what prompts are prefilled with (a graph at another precision), else `session` */
  prefillSession: InferenceSession;
  events: ModelEventEmitter;
  contextLength: number;
  /** most tokens per prefill run (longer prompts go in chunks) */
  prefillChunkTokens: number;
  slotFeeds(): Record<string, Tensor> | null;
}

export interface RowRequest {
  /** tokens to prefill (the prompt, or what a cached conversation adds) */
  tokens: number[];
  adapterSlot?: number;
  /** per prefilled token: 1 where the adapter applies, 0 where the base model runs (default all 1) */
  adapterMask?: number[];
  /** tokens already in the cache before `tokens` (the repetition penalty and the context limit count them) */
  cached?: readonly number[];
}

/** Prefills the rows (over `cache` when given, else a fresh one) and decodes until every row finishes. */
export function generateRows(
  host: GenerationHost,
  rows: RowRequest[],
  options: GenerateOptions = {},
  cache?: KvCache,
): GenerationStream<GeneratedToken, GenerationResult[]> {
  return new GenerationStream(generationLoop(host, rows, options, cache ?? KvCache.empty(host.config, rows.length)));
}

/**
 * Everything that can refuse a generation before it computes anything:
 * options, prompts (empty, bad token ids, longer than the context) and an
 * already aborted signal. Callers that must not change state for a refused
 * request (a conversation turn) call it first; the loop calls it too.
 */
export function checkGeneration(host: GenerationHost, requests: readonly RowRequest[], options: GenerateOptions): SamplingOptions {
  const { signal, requestId: _requestId, ignoreEos: _ignoreEos, constraint, ...samplingInput } = options;
  // a schema it cannot compile (UNSUPPORTED_FEATURE) refuses the request before anything runs; compiles are cached per tokenizer
  if (constraint !== undefined) compileConstraint(constraint, host.tokenizer);
  const sampling = parseSamplingOptions(samplingInput);
  if (requests.length === 0) throw new PlugboardError('INVALID_ARGUMENT', 'generate needs at least one prompt');
  for (const [i, r] of requests.entries()) {
    if (r.tokens.length === 0) throw new PlugboardError('INVALID_ARGUMENT', `prompt ${i} is empty`);
    checkTokenIds(r.tokens, host.config.vocabSize, `prompt ${i}`);
    const total = (r.cached?.length ?? 0) + r.tokens.length;
    if (total >= host.contextLength) {
      throw new PlugboardError(
        'PROMPT_TOO_LONG',
        `prompt ${i} has ${total} tokens but the context holds ${host.contextLength}; shorten it or load the model with a larger contextLength`,
        { details: { promptTokens: total, contextLength: host.contextLength } },
      );
    }
  }
  if (signal?.aborted) throw abortedError(signal);
  return sampling;
}

async function* generationLoop(
  host: GenerationHost,
  requests: RowRequest[],
  options: GenerateOptions,
  cache: KvCache,
): AsyncGenerator<GeneratedToken, GenerationResult[]> {
  const { signal, requestId = randomUUID() } = options;
  const sampling = checkGeneration(host, requests, options);
  const policy = rowPolicyOf(host.tokenizer, host.contextLength, sampling, options);
  const rows = requests.map((r, i) => new GenerationRow(host.tokenizer, policy, [...(r.cached ?? []), ...r.tokens], r.tokens.length, sampling.seed === undefined ? undefined : sampling.seed + i));
  const slots = host.slotFeeds();
  const started = performance.now();
  host.events.emit('generate:start', { requestId, rows: rows.length, promptTokens: requests.map((r) => r.tokens.length) });

  const checkAbort = () => {
    if (signal?.aborted) throw abortedError(signal);
  };
  const stepRows = (tokensOf: (row: GenerationRow, i: number) => number[], masks?: (number[] | undefined)[]): StepRow[] =>
    rows.map((row, i) => ({ tokens: tokensOf(row, i), adapterSlot: requests[i]?.adapterSlot ?? 0, adapterMask: masks?.[i] }));

  const prefillRows = stepRows((_, i) => requests[i]?.tokens as number[], requests.map((r) => r.adapterMask));
  let output: StepOutput = await prefill(host.prefillSession, cache, prefillRows, slots, { chunkTokens: host.prefillChunkTokens, beforeRun: checkAbort });
  const prefillDone = performance.now();
  let decodeSteps = 0;

  for (;;) {
    for (const [i, row] of rows.entries()) {
      if (row.finish) continue;
      // the newest token's logits: after a right-padded prefill of an all-token graph, at the row's chunk length - 1
      const last = decodeSteps === 0 ? Math.min(requests[i]?.tokens.length as number, output.tokensPerRow) - 1 : 0;
      const { tokenId, text } = row.next(rowLogits(output, i, last));
      yield emitToken(host, requestId, i, tokenId, text);
    }
    if (rows.every((r) => r.finish)) break;
    checkAbort();
    // finished rows still take part (their outputs are ignored) so the batch keeps its shape
    output = await runStep(host.session, cache, stepRows((row) => [row.lastToken]), slots);
    decodeSteps++;
  }

  const ended = performance.now();
  const results = rows.map((row) => row.result({ started, prefillDone, ended, decodeSteps }));
  host.events.emit('generate:end', { requestId, results });
  return results;
}
