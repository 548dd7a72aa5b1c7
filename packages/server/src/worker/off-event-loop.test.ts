import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/start-test-server.ts';
import type { TestServer } from '../testing/start-test-server.ts';

// every token spins the worker's thread for 10 ms, as a CPU decode would: 120 tokens hold it for over a second
let test: TestServer;
beforeAll(async () => {
  test = await startTestServer({ busyMsPerToken: 10, config: { limits: { bodyBytes: 1 << 20, batch: 1, queue: 1, timeoutMs: 60_000 } } });
}, 120_000);
afterAll(async () => {
  await test?.close();
});

const LONG = { model: 'research', messages: [{ role: 'user' as const, content: 'a long answer please' }] };
const post = (body: unknown, signal?: AbortSignal) => fetch(`${test.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...(signal === undefined ? {} : { signal }) });

async function untilIdle(): Promise<void> {
  // the worker answers between tokens; wait until the aborted generation has released its lease and the queue
  for (let i = 0; i < 200 && (test.server.context.queue.depth > 0 || (await test.worker.bankState()).resident.some((r) => r.pinned)); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('model runs off the HTTP event loop', () => {
  it('answers /health while a long generation decodes in the worker', async () => {
    const client = new OpenAI({ baseURL: `${test.url}/v1`, apiKey: 'x', maxRetries: 0 });
    let generationDone = false;
    const generation = client.chat.completions.create(LONG).then((r) => {
      generationDone = true;
      return r;
    });
    // once the worker holds the model (the request is running), ask for /health
    while (test.server.context.queue.depth === 0) await new Promise((r) => setTimeout(r, 5));
    const health = await fetch(`${test.url}/health`);
    const answeredBeforeTheEnd = !generationDone;
    expect(health.status).toBe(200);
    expect(answeredBeforeTheEnd).toBe(true);
    expect((await generation).choices[0]?.message.content).toContain('step step');
  });

  it('aborts the generation of a client that disconnects and leaves no pinned slot', async () => {
    const abort = new AbortController();
    const response = await post({ ...LONG, stream: true }, abort.signal);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // the first chunk: the generation holds its lease now
    expect((await test.worker.bankState()).resident.filter((r) => r.pinned).map((r) => r.name)).toEqual(['research@1.1.0']);
    abort.abort();
    await untilIdle();
    expect((await test.worker.bankState()).resident.filter((r) => r.pinned)).toEqual([]);
    expect(test.server.context.queue.depth).toBe(0);
    // the model is free again: a short request goes through
    expect((await post({ model: 'writer', messages: [{ role: 'user', content: 'hi' }] })).status).toBe(200);
  });

  it('answers 429 with Retry-After when the queue is full', async () => {
    const abort = new AbortController();
    const running = await post({ ...LONG, stream: true }, abort.signal);
    await (running.body as ReadableStream<Uint8Array>).getReader().read();
    const waiting = post(LONG);
    while (test.server.context.queue.depth < 2) await new Promise((r) => setTimeout(r, 5));
    const refused = await post(LONG);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    abort.abort();
    expect((await waiting).status).toBe(200);
    await untilIdle();
  });

  it('stops a request past the per-request timeout with a 504 and frees the model', async () => {
    test.server.reload({ limits: { bodyBytes: 1 << 20, queue: 1, timeoutMs: 200 } });
    try {
      const response = await post(LONG);
      expect(response.status).toBe(504);
      expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('200 ms') });
      await untilIdle();
      expect((await test.worker.bankState()).resident.filter((r) => r.pinned)).toEqual([]);
    } finally {
      test.server.reload({ limits: { bodyBytes: 1 << 20, queue: 1, timeoutMs: 60_000 } });
    }
  });
});
