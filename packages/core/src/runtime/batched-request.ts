import type { GenerationResult } from '../events/model-events.ts';
import type { GeneratedToken, RowRequest } from './generate.ts';
import type { GenerationRow, RowTimes } from './generation-row.ts';
import type { KvCache } from './kv-cache.ts';

/**
 * One request of a continuous batch: its row (sampling, stops, constraint),
 * its single-row cache, its timings, and the channel its stream reads
 * tokens from. The scheduler pushes tokens and settles it; the stream side
 * may close it, and then waits until the scheduler has let it go, so a
 * caller's cache is never written after its stream has ended.
 */
export class BatchedRequest {
  readonly times: RowTimes;
  /** tokens of `request.tokens` prefilled so far */
  prefilledTokens = 0;
  /** the consumer stopped reading: drop the request at the next token boundary */
  closed = false;
  private readonly items: GeneratedToken[] = [];
  private outcome: { result: GenerationResult } | { error: unknown } | null = null;
  private wake: (() => void) | null = null;
  private readonly settledPromise: Promise<void>;
  private markSettled!: () => void;

  constructor(
    readonly requestId: string,
    readonly request: RowRequest,
    readonly row: GenerationRow,
    /** holds the cached prefix and receives the prefill; the caller's cache or a fresh one */
    readonly cache: KvCache,
    /** the caller's cache: the row's KV is copied back into it when the request leaves */
    readonly returnsCache: boolean,
    readonly signal: AbortSignal | undefined,
  ) {
    this.times = { started: performance.now(), prefillDone: 0, ended: 0, decodeSteps: 0 };
    this.settledPromise = new Promise((resolve) => (this.markSettled = resolve));
  }

  get settled(): boolean {
    return this.outcome !== null;
  }

  /** Aborted by its signal or closed by its consumer. */
  get cancelled(): boolean {
    return this.closed || (this.signal?.aborted ?? false);
  }

  push(token: GeneratedToken): void {
    this.items.push(token);
    this.notify();
  }

  succeed(result: GenerationResult): void {
    this.settle({ result });
  }

  fail(error: unknown): void {
    this.settle({ error });
  }

  /** The stream of this request's tokens; it resolves with the single row's result. */
  async *tokens(): AsyncGenerator<GeneratedToken, GenerationResult[]> {
    try {
      for (;;) {
        const item = this.items.shift();
        if (item !== undefined) {
          yield item;
          continue;
        }
        const outcome = this.outcome;
        if (outcome !== null) {
          if ('error' in outcome) throw outcome.error;
          return [outcome.result];
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      if (this.outcome === null) {
        // the consumer stopped early: the scheduler drops the row at the next token boundary
        this.closed = true;
        await this.settledPromise;
      }
    }
  }

  private settle(outcome: { result: GenerationResult } | { error: unknown }): void {
    if (this.outcome !== null) return;
    this.outcome = outcome;
    this.markSettled();
    this.notify();
  }

  private notify(): void {
    this.wake?.();
    this.wake = null;
  }
}
