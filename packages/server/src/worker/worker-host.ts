import { Worker } from 'node:worker_threads';
import { GenerationStream, PlugboardError } from '@plugboard/core';
import type { BackendDescription, SkillBackend, SkillDelta, SkillRequestInput, SkillResult, SkillStream } from '@plugboard/router';
import type { BankState, BatchState, ModelHost } from './model-host.ts';
import type { FromWorker, HostCall, ToWorker, WorkerData } from './worker-protocol.ts';
import { fromWire } from './wire-error.ts';

/**
 * Starts the worker entry. From TypeScript sources (tests, `pnpm plugboard`)
 * the worker first registers tsx's loader: Node 20 does not apply a parent's
 * `--import` hooks to a worker's own entry module.
 */
function startWorker(data: WorkerData): Worker {
  // the entry beside this module, in the same form: worker-entry.ts from sources, worker-entry.js from dist/
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSources ? './worker-entry.ts' : './worker-entry.js', import.meta.url);
  if (!fromSources) return new Worker(entry, { workerData: data });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData: data });
}

interface Pending {
  push(message: FromWorker): void;
}

/** A queue of deltas from the worker that a generator drains. */
class DeltaChannel implements Pending {
  private readonly items: FromWorker[] = [];
  private wake: (() => void) | null = null;

  push(message: FromWorker): void {
    this.items.push(message);
    this.wake?.();
    this.wake = null;
  }

  async next(): Promise<FromWorker> {
    while (this.items.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.items.shift() as FromWorker;
  }
}

/**
 * The model host in a worker thread (node:worker_threads): the HTTP event loop
 * never runs a model, so /health answers while a generation decodes. Its
 * backend is a SkillBackend proxy: a request's AbortSignal becomes an abort
 * message, and the worker aborts the generation (releasing its lease) at the
 * next token.
 */
export class WorkerHost implements ModelHost {
  readonly backend: SkillBackend;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private description: BackendDescription;

  private constructor(
    private readonly worker: Worker,
    description: BackendDescription,
  ) {
    this.description = description;
    worker.on('message', (message: FromWorker) => this.route(message));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => this.failAll(new Error(`the model worker exited (code ${code})`)));
    this.backend = {
      generate: (request) => this.generate(request),
      describe: () => this.description,
      prepare: async (skill) => void (await this.call({ method: 'prepare', skill })),
    };
  }

  /** Starts the worker on a host module (`createHost(options)`); resolves once the model is loaded. */
  static async start(data: WorkerData): Promise<WorkerHost> {
    const worker = startWorker(data);
    const description = await new Promise<BackendDescription>((resolve, reject) => {
      worker.once('message', (message: FromWorker) => {
        if (message.type === 'ready') resolve(message.description);
        else if (message.type === 'failed') reject(fromWire(message.error));
      });
      worker.once('error', reject);
    });
    return new WorkerHost(worker, description);
  }

  describe(): BackendDescription {
    return this.description;
  }

  async embed(texts: string[]): Promise<number[][]> {
    return (await this.call({ method: 'embed', texts })) as number[][];
  }

  async bankState(): Promise<BankState> {
    return (await this.call({ method: 'bankState' })) as BankState;
  }

  async batchState(): Promise<BatchState> {
    return (await this.call({ method: 'batchState' })) as BatchState;
  }

  async addSkill(path: string): Promise<void> {
    await this.call({ method: 'addSkill', path });
  }

  async removeSkill(name: string, version?: string): Promise<boolean> {
    return (await this.call(version === undefined ? { method: 'removeSkill', name } : { method: 'removeSkill', name, version })) as boolean;
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.post({ type: 'close' });
    await exited;
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private route(message: FromWorker): void {
    if (!('id' in message)) return;
    if ('description' in message) this.description = message.description;
    this.pending.get(message.id)?.push(message);
  }

  private failAll(error: Error): void {
    for (const [id, pending] of this.pending) pending.push({ type: 'error', id, error: { code: 'BACKEND_ERROR', message: `the model worker failed: ${error.message}` } });
    this.pending.clear();
  }

  private call(call: HostCall): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        push: (message) => {
          this.pending.delete(id);
          if (message.type === 'reply') resolve(message.value);
          else if (message.type === 'error') reject(fromWire(message.error));
        },
      });
      this.post({ type: 'call', id, call });
    });
  }

  private generate(input: SkillRequestInput): SkillStream {
    const { signal, ...request } = input;
    if (signal?.aborted) throw new PlugboardError('ABORTED', 'generation was aborted before it started');
    const id = this.nextId++;
    const channel = new DeltaChannel();
    this.pending.set(id, channel);
    const onAbort = () => this.post({ type: 'abort', id });
    signal?.addEventListener('abort', onAbort, { once: true });
    this.post({ type: 'generate', id, request });
    const pending = this.pending;
    const post = (message: ToWorker) => this.post(message);
    async function* deltas(): AsyncGenerator<SkillDelta, SkillResult> {
      let settled = false;
      try {
        for (;;) {
          const message = await channel.next();
          if (message.type === 'delta') yield message.delta;
          else if (message.type === 'result' || message.type === 'error') {
            settled = true;
            if (message.type === 'result') return message.result;
            throw fromWire(message.error);
          }
        }
      } finally {
        signal?.removeEventListener('abort', onAbort);
        if (!settled) {
          // the consumer stopped early: abort in the worker and wait until it has ended (its lease is released then)
          post({ type: 'abort', id });
          for (let message = await channel.next(); message.type === 'delta'; message = await channel.next()) {
            // dropped: nobody reads them any more
          }
        }
        pending.delete(id);
      }
    }
    return new GenerationStream(deltas());
  }
}
