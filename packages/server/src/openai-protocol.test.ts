import { ChatOpenAI } from '@langchain/openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './testing/start-test-server.ts';
import type { TestServer } from './testing/start-test-server.ts';

let test: TestServer;
let client: OpenAI;
beforeAll(async () => {
  test = await startTestServer();
  client = new OpenAI({ baseURL: `${test.url}/v1`, apiKey: 'unused', maxRetries: 0 });
}, 120_000);
afterAll(async () => {
  await test?.close();
});

const WEATHER = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather of a city.', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

describe('the OpenAI-compatible API through the official openai client', () => {
  it('lists the base, auto and every skill with its versions', async () => {
    const models = await client.models.list();
    const byId = new Map(models.data.map((m) => [m.id, m as unknown as Record<string, unknown>]));
    expect([...byId.keys()]).toEqual(['model', 'auto', 'research', 'writer']);
    expect(byId.get('research')).toMatchObject({ parent: 'model', version: '1.1.0', versions: ['1.0.0', '1.1.0'] });
  });

  it('answers a non-streamed completion on a pinned skill, reporting the skill in a header', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'writer', messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 32 }).withResponse();
    expect(response.headers.get('x-plugboard-skill')).toBe('writer');
    expect(data.choices[0]?.message.content).toBe('Hello from Plugboard.');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it('streams text chunks, the routing decision in the first chunk, [DONE], and a final usage chunk with no choices', async () => {
    const stream = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'what do the docs say about pumps' }], stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect((chunks[0] as unknown as { x_plugboard: unknown }).x_plugboard).toEqual({ skill: 'research', version: '1.1.0', reason: 'routed' });
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Answer from research v2.');
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.total_tokens).toBe((last?.usage?.prompt_tokens ?? 0) + (last?.usage?.completion_tokens ?? 0));
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('streams tool calls as delta.tool_calls fragments that join to the call, ending with finish_reason tool_calls', async () => {
    const stream = await client.chat.completions.create({ model: 'research', messages: [{ role: 'user', content: 'what is the weather in Oslo' }], tools: [WEATHER], stream: true });
    const fragments = [];
    let finish: string | null | undefined = null;
    for await (const chunk of stream) {
      fragments.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(fragments.length).toBeGreaterThan(1);
    expect(fragments[0]).toMatchObject({ index: 0, id: expect.any(String), type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse(fragments.map((f) => f.function?.arguments ?? '').join(''))).toEqual({ city: 'Oslo' });
    expect(finish).toBe('tool_calls');
    // the helper that accumulates a stream agrees
    const final = await client.chat.completions.stream({ model: 'research', messages: [{ role: 'user', content: 'what is the weather in Oslo' }], tools: [WEATHER] }).finalChatCompletion();
    expect(final.choices[0]?.message.tool_calls?.[0]).toMatchObject({ type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } });
  });

  it('returns non-streamed tool calls and runs n choices', async () => {
    const tool = await client.chat.completions.create({ model: 'research', messages: [{ role: 'user', content: 'weather in Oslo?' }], tools: [WEATHER], tool_choice: 'auto' });
    expect(tool.choices[0]?.finish_reason).toBe('tool_calls');
    expect(tool.choices[0]?.message.tool_calls?.[0]).toMatchObject({ function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } });
    const two = await client.chat.completions.create({ model: 'model', messages: [{ role: 'user', content: 'hi' }], n: 2, seed: 3, temperature: 0.5, top_p: 0.9, stop: ['###'], max_completion_tokens: 16 });
    expect(two.choices.map((c) => c.index)).toEqual([0, 1]);
  });

  it('ignores unknown fields and refuses logprobs with a 400 saying so', async () => {
    const body = { model: 'model', messages: [{ role: 'user' as const, content: 'hi' }], some_future_field: { x: 1 } };
    await expect(client.chat.completions.create(body)).resolves.toMatchObject({ object: 'chat.completion' });
    const error = await client.chat.completions.create({ model: 'model', messages: [{ role: 'user', content: 'hi' }], logprobs: true, top_logprobs: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ code: 'UNSUPPORTED_FEATURE', param: 'logprobs', message: expect.stringContaining('logprobs') });
  });

  it('reports errors in OpenAI shape: unknown model 404, invalid body 400', async () => {
    const missing = await client.chat.completions.create({ model: 'ghost', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({ code: 'SKILL_NOT_FOUND', type: 'not_found_error', param: 'model' });
    const bad = await fetch(`${test.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'model', messages: [] }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string; type: string } }).error).toMatchObject({ type: 'invalid_request_error', message: expect.stringContaining('messages') });
  });

  it('embeds with the base model, as floats and as base64 (the client default) that decode to the same vectors', async () => {
    const floats = await client.embeddings.create({ model: 'model', input: ['a pump', 'a valve'], encoding_format: 'float' });
    const decoded = await client.embeddings.create({ model: 'model', input: ['a pump', 'a valve'] });
    expect(floats.data).toHaveLength(2);
    const dims = floats.data[0]?.embedding.length ?? 0;
    expect(dims).toBeGreaterThan(0);
    expect(decoded.data[1]?.embedding).toHaveLength(dims);
    decoded.data.forEach((d, i) => d.embedding.forEach((v, j) => expect(v).toBeCloseTo(floats.data[i]?.embedding[j] ?? NaN, 5)));
    await expect(client.embeddings.create({ model: 'writer', input: 'x' })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('answers /health and exposes Prometheus metrics', async () => {
    expect(await (await fetch(`${test.url}/health`)).json()).toMatchObject({ status: 'ok' });
    const metrics = await (await fetch(`${test.url}/metrics`)).text();
    for (const name of ['plugboard_requests_total', 'plugboard_tokens_total', 'plugboard_ttft_seconds', 'plugboard_inter_token_seconds', 'plugboard_queue_depth', 'plugboard_skill_requests_total', 'plugboard_bank_resident_adapters', 'plugboard_bank_swaps']) expect(metrics).toContain(name);
    expect(metrics).toMatch(/plugboard_skill_requests_total\{skill="writer",version="1.0.0"\} [1-9]/);
  });

  it('accepts response_format json_schema (sent on as the responseFormat LocalBackend turns into the constraint) and refuses json_object', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'integer' } }, required: ['answer'] };
    const reply = await client.chat.completions.create({ model: 'model', messages: [{ role: 'user', content: 'reply in json' }], response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } } });
    expect(JSON.parse(reply.choices[0]?.message.content ?? '')).toEqual({ answer: 42 });
    const refused = await client.chat.completions.create({ model: 'model', messages: [{ role: 'user', content: 'json' }], response_format: { type: 'json_object' } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe('concurrent requests and disconnects', () => {
  /** one request through fetch: the streamed or whole reply text, or 'aborted' when this client went away */
  async function request(model: string, content: string, stream: boolean, disconnect: boolean): Promise<string> {
    const abort = new AbortController();
    // a non-streamed client goes away while its request waits or runs
    if (disconnect && !stream) setTimeout(() => abort.abort(), 20);
    try {
      const response = await fetch(`${test.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, stream, messages: [{ role: 'user', content }] }), signal: abort.signal });
      if (!stream) {
        return ((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content ?? '';
      }
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let raw = '';
      for (let part = await reader.read(); !part.done; part = await reader.read()) {
        raw += new TextDecoder().decode(part.value);
        if (disconnect) abort.abort();
      }
      const events = raw.split('\n\n').filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)) as { choices: Array<{ delta: { content?: string } }> });
      return events.map((e) => e.choices[0]?.delta.content ?? '').join('');
    } catch (error) {
      if (abort.signal.aborted) return 'aborted';
      throw error;
    }
  }

  it('serves 16 concurrent mixed requests over skills and base exactly as alone, and disconnected ones leave no pinned slot', async () => {
    const models = ['model', 'research', 'writer', 'research@1.0.0'];
    const cases = Array.from({ length: 16 }, (_, i) => ({ model: models[i % 4] as string, content: i % 3 === 0 ? 'a long answer' : 'say hi', stream: i % 2 === 0, disconnect: i % 5 === 0 }));
    const alone: string[] = [];
    for (const c of cases) alone.push(await request(c.model, c.content, c.stream, false));
    const together = await Promise.all(cases.map((c) => request(c.model, c.content, c.stream, c.disconnect)));
    cases.forEach((c, i) => {
      if (!c.disconnect) expect(together[i]).toBe(alone[i]);
    });
    expect(together.filter((t) => t === 'aborted').length).toBeGreaterThan(0);
    // the server notices each disconnect and the worker ends those generations before the queue moves on
    for (let i = 0; i < 200 && test.server.context.queue.depth > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(test.server.context.queue.depth).toBe(0);
    expect((await test.worker.bankState()).resident.filter((r) => r.pinned)).toEqual([]);
  });
});

describe('LangChain ChatOpenAI against the live server', () => {
  const chat = (model: string) => new ChatOpenAI({ model, apiKey: 'unused', maxRetries: 0, configuration: { baseURL: `${test.url}/v1` } });

  it('invokes and streams text with usage (LangChain sends stream_options)', async () => {
    const reply = await chat('writer').invoke('Say hi');
    expect(reply.content).toBe('Hello from Plugboard.');
    expect(reply.usage_metadata?.output_tokens).toBeGreaterThan(0);
    let text = '';
    let usage = 0;
    for await (const chunk of await chat('writer').stream('Say hi')) {
      text += typeof chunk.content === 'string' ? chunk.content : '';
      usage = chunk.usage_metadata?.total_tokens ?? usage;
    }
    expect(text).toBe('Hello from Plugboard.');
    expect(usage).toBeGreaterThan(0);
  });

  it('gets tool calls from bindTools, streamed and not', async () => {
    const model = chat('research').bindTools([WEATHER]);
    const reply = await model.invoke('what is the weather in Oslo');
    expect(reply.tool_calls).toMatchObject([{ name: 'get_weather', args: { city: 'Oslo' } }]);
    let gathered: Awaited<ReturnType<typeof model.invoke>> | undefined;
    for await (const chunk of await model.stream('what is the weather in Oslo')) gathered = gathered === undefined ? chunk : gathered.concat(chunk);
    expect(gathered?.tool_calls).toMatchObject([{ name: 'get_weather', args: { city: 'Oslo' } }]);
  });
});
