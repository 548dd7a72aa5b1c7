// The model worker: imports the host module, then answers generate/abort/call messages from the HTTP thread.
import { parentPort, workerData } from 'node:worker_threads';
import { loadSkill } from '@plugboard/skills';
import type { HostCall, FromWorker, ToWorker, WorkerData } from './worker-protocol.ts';
import type { HostFactory, ModelHostParts } from './model-host.ts';
import { toWire } from './wire-error.ts';

if (parentPort === null) throw new Error('worker-entry.ts runs inside a worker thread');
const port = parentPort;
const send = (message: FromWorker) => port.postMessage(message);
const aborts = new Map<number, AbortController>();

async function answer(host: ModelHostParts, call: HostCall): Promise<unknown> {
  switch (call.method) {
    case 'embed': {
      if (host.embed === undefined) throw new Error('this host has no embeddings');
      return (await host.embed(call.texts)).map((v) => Array.from(v));
    }
    case 'bankState':
      return host.bankState();
    case 'batchState':
      return host.batchState();
    case 'addSkill':
      host.catalog.add(loadSkill(call.path));
      return null;
    case 'removeSkill':
      return host.catalog.remove(call.name, call.version);
    case 'prepare':
      return host.backend.prepare(call.skill);
  }
}

async function generate(host: ModelHostParts, message: Extract<ToWorker, { type: 'generate' }>): Promise<void> {
  const abort = new AbortController();
  aborts.set(message.id, abort);
  try {
    const stream = host.backend.generate({ ...message.request, signal: abort.signal });
    for await (const delta of stream) send({ type: 'delta', id: message.id, delta });
    send({ type: 'result', id: message.id, result: await stream.result, description: host.backend.describe() });
  } catch (error) {
    send({ type: 'error', id: message.id, error: toWire(error) });
  } finally {
    aborts.delete(message.id);
  }
}

async function main(): Promise<void> {
  const data = workerData as WorkerData;
  let host: ModelHostParts;
  try {
    const factory = ((await import(data.module)) as { createHost: HostFactory }).createHost;
    host = await factory(data.options);
  } catch (error) {
    send({ type: 'failed', error: toWire(error) });
    return;
  }
  port.on('message', (message: ToWorker) => {
    if (message.type === 'generate') void generate(host, message);
    else if (message.type === 'abort') aborts.get(message.id)?.abort(new Error('the client went away'));
    else if (message.type === 'close') void (host.dispose?.() ?? Promise.resolve()).finally(() => port.close());
    else
      answer(host, message.call).then(
        (value) => send({ type: 'reply', id: message.id, value, description: host.backend.describe() }),
        (error: unknown) => send({ type: 'error', id: message.id, error: toWire(error) }),
      );
  });
  send({ type: 'ready', description: host.backend.describe() });
}

void main();
