import { randomUUID } from 'node:crypto';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { PlugboardError } from '../errors/plugboard-error.ts';
import type { FinishReason, GenerationResult, ModelEventEmitter } from '../events/model-events.ts';
import type { ModelConfig } from '../hf/config.ts';
import type { Tokenizer } from '../hf/tokenizer.ts';
import { StreamDecoder } from '../hf/stream-decoder.ts';
import { decodableVocab } from '../sampling/decodable-vocab.ts';
import { createSampler } from '../sampling/sampler.ts';
import type { SamplingOptions, SamplingOptionsInput } from '../sampling/sampling-options.ts';
import { parseSamplingOptions } from '../sampling/sampling-options.ts';
import { StopStringMatcher } from '../sampling/stop-string-matcher.ts';
import type { ConstraintSpec } from '../constrained/constraint-spec.ts';
import { compileConstraint } from '../constrained/compile-constraint.ts';
import { ConstrainedRow } from '../constrained/constrained-row.ts';
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

class RowState {
  readonly generated: number[] = [];
  text = '';
  finish: FinishReason | null = null;
  stoppedBy: string | number | null = null;
  firstTokenAt = 0;

  constructor(
    /** cached context + prefilled tokens */
    readonly prompt: number[],
    /** tokens this request prefilled */
    readonly prefilled: number,
    readonly decoder: StreamDecoder,
    readonly stops: StopStringMatcher,
  ) {
    this.context = [...prompt];
  }

  /** prompt + generated, grown in place (the repetition penalty reads it every step) */
  readonly context: number[];

  accept(token: number): void {
    this.generated.push(token);
    this.context.push(token);
  }
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

function abortedError(signal: AbortSignal): PlugboardError {
  return new PlugboardError('ABORTED', 'generation was aborted', { cause: signal.reason });
}

async function* generationLoop(
  host: GenerationHost,
  requests: RowRequest[],
  options: GenerateOptions,
  cache: KvCache,
): AsyncGenerator<GeneratedToken, GenerationResult[]> {
  const { signal, requestId = randomUUID(), ignoreEos = false, constraint } = options;
  const sampling = checkGeneration(host, requests, options);
  const stopTokens = new Set([...sampling.stopTokenIds, ...(ignoreEos ? [] : host.tokenizer.eosTokenIds)]);
  const vocab = decodableVocab(host.tokenizer);
  const samplers = requests.map((_, i) => createSampler({ ...sampling, seed: sampling.seed === undefined ? undefined : sampling.seed + i }, vocab));
  const compiled = constraint === undefined ? undefined : compileConstraint(constraint, host.tokenizer);
  const constrained = compiled === undefined ? undefined : requests.map(() => new ConstrainedRow(compiled, [...stopTokens]));
  const rows = requests.map((r) => new RowState([...(r.cached ?? []), ...r.tokens], r.tokens.length, new StreamDecoder(host.tokenizer), new StopStringMatcher(sampling.stopStrings)));
  const slots = host.slotFeeds();
  const started = performance.now();
  host.events.emit('generate:start', { requestId, rows: rows.length, promptTokens: requests.map((r) => r.tokens.length) });

  const checkAbort = () => {
    if (signal?.aborted) throw abortedError(signal);
  };
  const stepRows = (tokensOf: (row: RowState, i: number) => number[], masks?: (number[] | undefined)[]): StepRow[] =>
    rows.map((row, i) => ({ tokens: tokensOf(row, i), adapterSlot: requests[i]?.adapterSlot ?? 0, adapterMask: masks?.[i] }));

  const prefillRows = stepRows((_, i) => requests[i]?.tokens as number[], requests.map((r) => r.adapterMask));
  let output: StepOutput = await prefill(host.session, cache, prefillRows, slots, { chunkTokens: host.prefillChunkTokens, beforeRun: checkAbort });
  const prefillDone = performance.now();
  let decodeSteps = 0;

  for (;;) {
    for (const [i, row] of rows.entries()) {
      if (row.finish) continue;
      // the newest token's logits: after a right-padded prefill of an all-token graph, at the row's chunk length - 1
      const last = decodeSteps === 0 ? Math.min(requests[i]?.tokens.length as number, output.tokensPerRow) - 1 : 0;
      const offset = (i * output.tokensPerRow + last) * output.vocabSize;
      const tokenId = samplers[i]!.sample(output.logits.subarray(offset, offset + output.vocabSize), row.context, constrained?.[i]?.mask());
      if (row.generated.length === 0) row.firstTokenAt = performance.now();
      row.accept(tokenId);
      constrained?.[i]?.advance(tokenId);
      if (stopTokens.has(tokenId)) {
        row.finish = 'stop';
        row.stoppedBy = tokenId;
        const tail = row.stops.flush();
        row.text += tail;
        yield emitToken(host, requestId, i, tokenId, tail);
        continue;
      }
      const matched = row.stops.push(row.decoder.push(tokenId));
      row.text += matched.emit;
      if (matched.stopped !== null) {
        row.finish = 'stop';
        row.stoppedBy = matched.stopped;
      } else if (constrained?.[i]?.complete || row.generated.length >= sampling.maxTokens || row.prompt.length + row.generated.length >= host.contextLength) {
        // a complete constrained output ends the row: nothing may follow it
        row.finish = constrained?.[i]?.complete ? 'stop' : 'length';
        const tail = row.stops.push(row.decoder.flush()).emit + row.stops.flush();
        row.text += tail;
        yield emitToken(host, requestId, i, tokenId, matched.emit + tail);
        continue;
      }
      yield emitToken(host, requestId, i, tokenId, matched.emit);
    }
    if (rows.every((r) => r.finish)) break;
    checkAbort();
    // finished rows still take part (their outputs are ignored) so the batch keeps its shape
    output = await runStep(host.session, cache, stepRows((row) => [row.generated.at(-1) as number]), slots);
    decodeSteps++;
  }

  const ended = performance.now();
  const results = rows.map((row) => resultOf(row, started, prefillDone, ended, decodeSteps));
  host.events.emit('generate:end', { requestId, results });
  return results;
}

function emitToken(host: GenerationHost, requestId: string, row: number, tokenId: number, text: string): GeneratedToken {
  host.events.emit('generate:token', { requestId, row, tokenId, text });
  return { row, tokenId, text };
}

function resultOf(row: RowState, started: number, prefillDone: number, ended: number, decodeSteps: number): GenerationResult {
  const prefillMs = prefillDone - started;
  const decodeMs = ended - prefillDone;
  return {
    text: row.text,
    tokens: row.generated,
    finishReason: row.finish ?? 'length',
    stoppedBy: row.stoppedBy,
    timings: {
      ttftMs: row.firstTokenAt - started,
      prefillMs,
      decodeMs,
      totalMs: ended - started,
      promptTokens: row.prompt.length,
      generatedTokens: row.generated.length,
      prefillTokensPerSecond: row.prefilled / (prefillMs / 1000),
      decodeTokensPerSecond: decodeSteps > 0 ? decodeSteps / (decodeMs / 1000) : 0,
    },
  };
}
