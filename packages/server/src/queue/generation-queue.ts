import { PlugboardError } from '@plugboard/core';

/**
 * Admission to the model worker: up to `maxRunning` generations at once
 * (the rows of its continuous batch, where they share decode steps); up to
 * `maxWaiting` more wait for a row, more than that get RATE_LIMITED (429).
 * A waiter whose signal aborts leaves the queue.
 */
export class GenerationQueue {
  private running = 0;
  private readonly waiting: Array<{ start: () => void }> = [];

  constructor(
    private readonly maxWaiting: number,
    private readonly maxRunning = 1,
  ) {}

  /** generations running or waiting */
  get depth(): number {
    return this.waiting.length + this.running;
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.running >= this.maxRunning) {
      if (this.waiting.length >= this.maxWaiting) throw new PlugboardError('RATE_LIMITED', `the server queue is full (${this.maxWaiting} waiting); retry shortly`, { details: { retryAfterSeconds: 1 } });
      await new Promise<void>((resolve, reject) => {
        const entry = { start: resolve };
        this.waiting.push(entry);
        signal?.addEventListener('abort', () => {
          const at = this.waiting.indexOf(entry);
          if (at < 0) return;
          this.waiting.splice(at, 1);
          reject(new PlugboardError('ABORTED', 'the request was aborted while queued'));
        }, { once: true });
      });
    } else this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // a waiter takes the row over (running stays), else the row frees
      const next = this.waiting.shift();
      if (next === undefined) this.running--;
      else next.start();
    };
  }
}
