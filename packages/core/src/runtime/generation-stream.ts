import { PlugboardError } from '../errors/plugboard-error.ts';

/**
 * An async iterable of streamed items with a final result: iterate for the
 * stream, await `result` for the outcome (awaiting alone drains the stream).
 */
export class GenerationStream<Item, Result> implements AsyncIterable<Item> {
  private started = false;
  private done = false;
  private readonly settled: Promise<Result>;
  private resolve!: (value: Result) => void;
  private reject!: (error: unknown) => void;

  constructor(private readonly source: AsyncGenerator<Item, Result>) {
    this.settled = new Promise<Result>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // a rejection nobody awaits is reported through the iterator instead
    this.settled.catch(() => undefined);
  }

  get result(): Promise<Result> {
    if (!this.started) void this.drain();
    return this.settled;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void> {
    if (this.started) throw new Error('a GenerationStream can be iterated once');
    this.started = true;
    try {
      for (;;) {
        const next = await this.source.next();
        if (next.done) {
          this.done = true;
          this.resolve(next.value);
          return;
        }
        yield next.value;
      }
    } catch (error) {
      this.done = true;
      this.reject(error);
      throw error;
    } finally {
      if (!this.done) {
        // the consumer stopped early (break): end the generation too
        await this.source.return(undefined as never).catch(() => undefined);
        this.reject(new PlugboardError('ABORTED', 'the stream was closed before generation finished'));
      }
    }
  }

  private async drain(): Promise<void> {
    try {
      for await (const _ of this) {
        // consumed for the result only
      }
    } catch {
      // already delivered through `result`
    }
  }
}
