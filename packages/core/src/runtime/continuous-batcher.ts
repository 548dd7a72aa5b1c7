import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PlugboardError } from '../errors/plugboard-error.ts';
import type { GenerationResult } from '../events/model-events.ts';
import { abortedError } from './aborted-error.ts';
import { BatchedRequest } from './batched-request.ts';
import { emitToken } from './emit-token.ts';
import type { GeneratedToken, GenerateOptions, GenerationHost, RowRequest } from './generate.ts';
import { checkGeneration } from './generate.ts';
import { GenerationRow, rowPolicyOf } from './generation-row.ts';
import { GenerationStream } from './generation-stream.ts';
import { KvCache } from './kv-cache.ts';
import { rowLogits } from './row-logits.ts';
import { runStep } from './step.ts';

export const ContinuousBatcherOptionsSchema = z.strictObject({
  /** rows decoding at once; more requests wait for a row to free */
  maxRows: z.number().int().positive().default(16),
  /**
   * prompt tokens prefilled between two decode steps (at least one chunk of
   * the oldest waiting prompt): bounds how long a newcomer's prefill holds
   * up the running rows' next token
   */
  prefillTokensPerStep: z.number().int().positive().default(512),
});
export type ContinuousBatcherOptions = z.input<typeof ContinuousBatcherOptionsSchema>;

/**
 * Continuous batching over one model: requests join and leave one running
 * decode batch at token boundaries. Each row keeps its own adapter slot,
 * sampling (and seed), stop strings/tokens, constraint and signal, driven by
 * the same GenerationRow as `generateRows`. Between two decode steps the
 * scheduler (1) drops rows that were aborted or whose stream was closed,
 * (2) prefills newcomers: each prompt alone (batch 1, in chunks of the
 * model's `prefillChunkTokens`, up to `prefillTokensPerStep` tokens per
 * step, so long prompts interleave with the decodes), into the request's own
 * single-row cache, samples its first token and moves its row into the batch
 * cache, and (3) runs one decode step over every decoding row. A row leaves
 * the batch as soon as it finishes; when the caller gave a cache (a
 * conversation) the row's KV is copied back into it first.
 *
 * Each row's tokens are the tokens it gets alone: prefill runs exactly as
 * alone, and a decode row's logits do not depend on the other rows.
 */
export class ContinuousBatcher {
  private readonly options: z.infer<typeof ContinuousBatcherOptionsSchema>;
  private readonly waiting: BatchedRequest[] = [];
  /** admitted, prompt not fully prefilled yet */
  private readonly prefilling: BatchedRequest[] = [];
  /** decoding[b] is row b of `batch` */
  private readonly decoding: BatchedRequest[] = [];
  private readonly batch: KvCache;
  private running: Promise<void> | null = null;
  private most = 0;

  constructor(
    private readonly host: GenerationHost,
    options: ContinuousBatcherOptions = {},
  ) {
    const parsed = ContinuousBatcherOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new PlugboardError('INVALID_ARGUMENT', `invalid ContinuousBatcher options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    this.options = parsed.data;
    this.batch = KvCache.empty(host.config, 0);
  }

  /** Requests decoding now, prefilling, and waiting for a row. */
  get load(): { decoding: number; prefilling: number; waiting: number } {
    return { decoding: this.decoding.length, prefilling: this.prefilling.length, waiting: this.waiting.length };
  }

  /** The most rows one decode step has run since this batcher was made. */
  get mostRows(): number {
    return this.most;
  }

  /**
   * Queues one row; it joins the running batch at the next token boundary.
   * `cache`, when given, is a single-row cache holding `request.cached`
   * (a conversation's): the prompt is prefilled over it and it receives the
   * row's KV when the request ends (finished, aborted or closed). Refused
   * requests (bad options or ids, too long, already aborted) throw here.
   */
  generate(request: RowRequest, options: GenerateOptions = {}, cache?: KvCache): GenerationStream<GeneratedToken, GenerationResult[]> {
    const sampling = checkGeneration(this.host, [request], options);
    const cached = request.cached?.length ?? 0;
    if (cache !== undefined && (cache.batch !== 1 || cache.lengths[0] !== cached)) {
      throw new PlugboardError('INVALID_ARGUMENT', `the batcher continues a single-row cache holding the request's ${cached} cached tokens; got ${cache.batch} rows of [${cache.lengths.join(', ')}]`);
    }
    if (cache === undefined && cached > 0) throw new PlugboardError('INVALID_ARGUMENT', `the request has ${cached} cached tokens: pass the cache that holds them`);
    const policy = rowPolicyOf(this.host.tokenizer, this.host.contextLength, sampling, options);
    const row = new GenerationRow(this.host.tokenizer, policy, [...(request.cached ?? []), ...request.tokens], request.tokens.length, sampling.seed);
    const entry = new BatchedRequest(options.requestId ?? randomUUID(), request, row, cache ?? KvCache.empty(this.host.config, 1), cache !== undefined, options.signal);
    this.waiting.push(entry);
    this.kick();
    return new GenerationStream(entry.tokens());
  }

  private kick(): void {
    if (this.running !== null) return;
    // a bug in the loop must not strand the requests (their streams would wait forever): they fail with it
    this.running = this.loop().catch((error: unknown) => this.failAll(error)).finally(() => {
      this.running = null;
      if (this.waiting.length + this.prefilling.length + this.decoding.length > 0) this.kick();
    });
  }

  private async loop(): Promise<void> {
    while (this.waiting.length + this.prefilling.length + this.decoding.length > 0) {
      this.dropCancelled();
      while (this.waiting.length > 0 && this.prefilling.length + this.decoding.length < this.options.maxRows) this.prefilling.push(this.waiting.shift() as BatchedRequest);
      await this.prefillSome();
      if (this.decoding.length > 0) await this.decodeStep();
      // a step that awaited nothing (every newcomer refused at once) must still let the event loop run
      if (this.decoding.length === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private failAll(error: unknown): void {
    for (const entry of [...this.waiting, ...this.prefilling, ...this.decoding]) entry.fail(error);
    this.waiting.length = 0;
    this.prefilling.length = 0;
    this.decoding.length = 0;
    while (this.batch.batch > 0) this.batch.removeRow(this.batch.batch - 1);
  }

  /** Aborted or closed requests leave wherever they are, settled as ABORTED. */
  private dropCancelled(): void {
    for (const list of [this.waiting, this.prefilling]) {
      for (let i = list.length - 1; i >= 0; i--) {
        const entry = list[i] as BatchedRequest;
        if (!entry.cancelled) continue;
        list.splice(i, 1);
        entry.fail(cancelledError(entry));
      }
    }
    for (let b = this.decoding.length - 1; b >= 0; b--) {
      const entry = this.decoding[b] as BatchedRequest;
      if (entry.cancelled) this.leave(b, cancelledError(entry));
    }
  }

  /** Prefills up to `prefillTokensPerStep` tokens of the oldest admitted prompts, one chunk per run. */
  private async prefillSome(): Promise<void> {
    let budget = this.options.prefillTokensPerStep;
    const chunk = this.host.prefillChunkTokens;
    while (this.prefilling.length > 0) {
      const entry = this.prefilling[0] as BatchedRequest;
      if (entry.cancelled) {
        // cancelled between two chunks of its prompt
        this.prefilling.shift();
        entry.fail(cancelledError(entry));
        continue;
      }
      const { tokens, adapterMask, adapterSlot = 0 } = entry.request;
      const start = entry.prefilledTokens;
      const end = Math.min(start + chunk, tokens.length);
      if (end - start > budget && budget < this.options.prefillTokensPerStep) return;
      budget -= end - start;
      if (start === 0) {
        this.host.events.emit('generate:start', { requestId: entry.requestId, rows: 1, promptTokens: [tokens.length] });
        entry.cache.reserve((entry.cache.lengths[0] as number) + tokens.length);
      }
      try {
        const output = await runStep(this.host.prefillSession, entry.cache, [{ tokens: tokens.slice(start, end), adapterSlot, adapterMask: adapterMask?.slice(start, end) }], this.host.slotFeeds());
        entry.prefilledTokens = end;
        if (end < tokens.length) continue;
        this.prefilling.shift();
        entry.times.prefillDone = performance.now();
        this.take(entry, rowLogits(output, 0, Math.min(end - start, output.tokensPerRow) - 1));
        if (entry.row.finish) this.finish(entry);
        else {
          this.batch.addRow(entry.cache);
          this.decoding.push(entry);
        }
      } catch (error) {
        // its own run or its first token failed: that request ends, the others go on
        const at = this.prefilling.indexOf(entry);
        if (at >= 0) this.prefilling.splice(at, 1);
        entry.fail(error);
      }
    }
  }

  /** One decode run over every decoding row; finished rows leave the batch. */
  private async decodeStep(): Promise<void> {
    const rows = this.decoding.map((entry) => ({ tokens: [entry.row.lastToken], adapterSlot: entry.request.adapterSlot ?? 0 }));
    this.most = Math.max(this.most, rows.length);
    let output;
    try {
      output = await runStep(this.host.session, this.batch, rows, this.host.slotFeeds());
    } catch (error) {
      for (let b = this.decoding.length - 1; b >= 0; b--) this.leave(b, error);
      return;
    }
    const failed = new Map<number, unknown>();
    for (const [b, entry] of this.decoding.entries()) {
      entry.times.decodeSteps++;
      try {
        this.take(entry, rowLogits(output, b, 0));
      } catch (error) {
        // a row's own failure (NUMERIC_ERROR in its logits, a constraint it cannot continue) ends that row only
        failed.set(b, error);
      }
    }
    for (let b = this.decoding.length - 1; b >= 0; b--) {
      const entry = this.decoding[b] as BatchedRequest;
      if (failed.has(b)) this.leave(b, failed.get(b));
      else if (entry.row.finish) this.leave(b);
    }
  }

  /** Samples the row's next token from its logits and streams it. */
  private take(entry: BatchedRequest, logits: Float32Array): void {
    const { tokenId, text } = entry.row.next(logits);
    entry.push(emitToken(this.host, entry.requestId, 0, tokenId, text));
  }

  /** Row `b` leaves the batch (its KV copied back to the caller's cache first): finished, or failed with `error`. */
  private leave(b: number, error?: unknown): void {
    const entry = this.decoding[b] as BatchedRequest;
    if (entry.returnsCache) entry.cache.copyRow(0, this.batch, b);
    this.batch.removeRow(b);
    const last = this.decoding.pop() as BatchedRequest;
    if (b < this.decoding.length) this.decoding[b] = last;
    if (error === undefined) this.finish(entry);
    else entry.fail(error);
  }

  private finish(entry: BatchedRequest): void {
    entry.times.ended = performance.now();
    const result = entry.row.result(entry.times);
    this.host.events.emit('generate:end', { requestId: entry.requestId, results: [result] });
    entry.succeed(result);
  }
}

function cancelledError(entry: BatchedRequest): PlugboardError {
  if (entry.signal?.aborted) return abortedError(entry.signal);
  return new PlugboardError('ABORTED', 'the stream was closed before generation finished');
}
