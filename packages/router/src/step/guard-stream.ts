import { GenerationStream, isPlugboardError, PlugboardError } from '@plugboard/core';

/**
 * A backend's stream as a step consumes it: an error that is not a
 * PlugboardError becomes BACKEND_ERROR, and a stream that yields nothing for
 * `idleMs` is aborted (through `abort`, so the backend stops and releases what
 * it holds) and fails with BACKEND_ERROR.
 */
export function guardStream<T, R>(stream: GenerationStream<T, R>, idleMs: number, abort: AbortController): GenerationStream<T, R> {
  return new GenerationStream(guarded(stream, idleMs, abort));
}

async function* guarded<T, R>(stream: GenerationStream<T, R>, idleMs: number, abort: AbortController): AsyncGenerator<T, R> {
  const iterator = stream[Symbol.asyncIterator]();
  let stalled = false;
  try {
    for (;;) {
      const next = await withIdleLimit(iterator.next(), idleMs, abort);
      if (next.done) break;
      yield next.value;
    }
    return await stream.result;
  } catch (error) {
    stalled = abort.signal.aborted && isPlugboardError(abort.signal.reason, 'BACKEND_ERROR');
    if (isPlugboardError(error)) throw error;
    throw new PlugboardError('BACKEND_ERROR', `the skill backend failed mid-generation: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    // a stalled backend may never settle its pending read: do not wait on it (it was aborted)
    if (stalled) void iterator.return?.().catch(() => undefined);
    else await iterator.return?.();
  }
}

function withIdleLimit<V>(next: Promise<V>, idleMs: number, abort: AbortController): Promise<V> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new PlugboardError('BACKEND_ERROR', `the skill backend produced nothing for ${idleMs} ms and was stopped; check the backend, or raise backendIdleTimeoutMs`);
      abort.abort(error);
      reject(error);
    }, idleMs);
  });
  return Promise.race([next, stalled]).finally(() => clearTimeout(timer));
}
