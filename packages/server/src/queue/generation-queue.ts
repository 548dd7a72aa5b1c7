import { PlugboardError } from '@plugboard/core';

/**
 * Generations run one at a time through the model worker (one KV session; no
 * continuous batching here); up to `maxWaiting` wait their turn, more get
 * RATE_LIMITED (429). A waiter whose signal aborts leaves the queue.
 */
export class GenerationQueue {
  private running = false;
  private readonly waiting: Array<{ start: () => void }> = [];

  constructor(private readonly maxWaiting: number) {}

  get depth(): number {
    return this.waiting.length + (this.running ? 1 : 0);
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.running) {
      if (this.waiting.length >= this.maxWaiting) throw new PlugboardError('RATE_LIMITED', `the server queue is full (${this.maxWaiting} waiting); retry shortly`, { details: { retryAfterSeconds: 1 } });
      await new Promise<void>((resolve, reject) => {
        const entry = { start: resolve };
        this.waiting.push(entry);
        signal?.addEventListener('abort', () => {
          const at = this.waiting.indexOf(entry);
          if (at >= 0) this.waiting.splice(at, 1);
          reject(new PlugboardError('ABORTED', 'the request was aborted while queued'));
        }, { once: true });
      });
    }
    this.running = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next === undefined) this.running = false;
      else next.start();
    };
  }
}
