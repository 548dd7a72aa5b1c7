import type { FinishReason, GenerationResult } from '../events/model-events.ts';
import type { Tokenizer } from '../hf/tokenizer.ts';
import { StreamDecoder } from '../hf/stream-decoder.ts';
import { decodableVocab } from '../sampling/decodable-vocab.ts';
import type { Sampler } from '../sampling/sampler.ts';
import { createSampler } from '../sampling/sampler.ts';
import type { SamplingOptions } from '../sampling/sampling-options.ts';
import { StopStringMatcher } from '../sampling/stop-string-matcher.ts';
import type { CompiledConstraint } from '../constrained/compile-constraint.ts';
import { compileConstraint } from '../constrained/compile-constraint.ts';
import { ConstrainedRow } from '../constrained/constrained-row.ts';
import type { ConstraintSpec } from '../constrained/constraint-spec.ts';

/** What every row of one request decodes under: its sampling, its end tokens, its compiled constraint. */
export interface RowPolicy {
  sampling: SamplingOptions;
  stopTokens: Set<number>;
  constraint?: CompiledConstraint;
  contextLength: number;
}

/** The policy of a request whose options were checked (`checkGeneration` returned `sampling`). */
export function rowPolicyOf(
  tokenizer: Tokenizer,
  contextLength: number,
  sampling: SamplingOptions,
  options: { ignoreEos?: boolean; constraint?: ConstraintSpec },
): RowPolicy {
  const stopTokens = new Set([...sampling.stopTokenIds, ...(options.ignoreEos ? [] : tokenizer.eosTokenIds)]);
  const constraint = options.constraint === undefined ? undefined : compileConstraint(options.constraint, tokenizer);
  return { sampling, stopTokens, contextLength, ...(constraint === undefined ? {} : { constraint }) };
}

/** When a row's request started, finished its prefill and ended, and how many decode runs it took part in. */
export interface RowTimes {
  started: number;
  prefillDone: number;
  ended: number;
  decodeSteps: number;
}

/**
 * One generated row: its sampler (its own random stream), stop strings,
 * streamed text and constraint. `next(logits)` takes the row's newest logits
 * and returns the sampled token and the text that became final with it;
 * after the token that ends the row `finish` is set. The batch loop of
 * `generateRows` and the continuous batcher both drive rows through it.
 */
export class GenerationRow {
  readonly generated: number[] = [];
  text = '';
  finish: FinishReason | null = null;
  stoppedBy: string | number | null = null;
  firstTokenAt = 0;
  /** prompt + generated, grown in place (the repetition penalty reads it every step) */
  private readonly context: number[];
  private readonly sampler: Sampler;
  private readonly decoder: StreamDecoder;
  private readonly stops: StopStringMatcher;
  private readonly constrained: ConstrainedRow | undefined;

  constructor(
    tokenizer: Tokenizer,
    private readonly policy: RowPolicy,
    /** cached context + prefilled tokens */
    readonly prompt: readonly number[],
    /** tokens this request prefilled */
    readonly prefilled: number,
    /** this row's seed (the request's seed + the row's index); undefined: unseeded */
    seed: number | undefined,
  ) {
    this.context = [...prompt];
    this.sampler = createSampler({ ...policy.sampling, seed }, decodableVocab(tokenizer));
    this.decoder = new StreamDecoder(tokenizer);
    this.stops = new StopStringMatcher(policy.sampling.stopStrings);
    this.constrained = policy.constraint === undefined ? undefined : new ConstrainedRow(policy.constraint, [...policy.stopTokens]);
  }

  /** The last generated token (what the next decode run feeds). */
  get lastToken(): number {
    return this.generated.at(-1) as number;
  }

  /** Samples the next token from the row's logits; returns it with the text that became final (may be empty). */
  next(logits: Float32Array): { tokenId: number; text: string } {
    const tokenId = this.sampler.sample(logits, this.context, this.constrained?.mask());
    if (this.generated.length === 0) this.firstTokenAt = performance.now();
    this.generated.push(tokenId);
    this.context.push(tokenId);
    this.constrained?.advance(tokenId);
    if (this.policy.stopTokens.has(tokenId)) {
      this.finish = 'stop';
      this.stoppedBy = tokenId;
      const tail = this.stops.flush();
      this.text += tail;
      return { tokenId, text: tail };
    }
    const matched = this.stops.push(this.decoder.push(tokenId));
    this.text += matched.emit;
    if (matched.stopped !== null) {
      this.finish = 'stop';
      this.stoppedBy = matched.stopped;
      return { tokenId, text: matched.emit };
    }
    const complete = this.constrained?.complete ?? false;
    if (complete || this.generated.length >= this.policy.sampling.maxTokens || this.prompt.length + this.generated.length >= this.policy.contextLength) {
      // a complete constrained output ends the row: nothing may follow it
      this.finish = complete ? 'stop' : 'length';
      const tail = this.stops.push(this.decoder.flush()).emit + this.stops.flush();
      this.text += tail;
      return { tokenId, text: matched.emit + tail };
    }
    return { tokenId, text: matched.emit };
  }

  result(times: RowTimes): GenerationResult {
    const prefillMs = times.prefillDone - times.started;
    const decodeMs = times.ended - times.prefillDone;
    return {
      text: this.text,
      tokens: this.generated,
      finishReason: this.finish ?? 'length',
      stoppedBy: this.stoppedBy,
      timings: {
        ttftMs: this.firstTokenAt - times.started,
        prefillMs,
        decodeMs,
        totalMs: times.ended - times.started,
        promptTokens: this.prompt.length,
        generatedTokens: this.generated.length,
        prefillTokensPerSecond: this.prefilled / (prefillMs / 1000),
        decodeTokensPerSecond: times.decodeSteps > 0 ? times.decodeSteps / (decodeMs / 1000) : 0,
      },
    };
  }
}
