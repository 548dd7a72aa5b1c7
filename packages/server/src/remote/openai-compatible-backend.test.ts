import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_SHAPES, writeFixtureModel } from '@plugboard/core/testing';
import { loadSkill } from '@plugboard/skills';
import { writeFixtureSkill } from '@plugboard/skills/testing';
import type { SkillDelta } from '@plugboard/router';
import { startTestServer } from '../testing/start-test-server.ts';
import type { TestServer } from '../testing/start-test-server.ts';
import { OpenAICompatibleBackend } from './openai-compatible-backend.ts';

const WEATHER = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const user = (content: string) => [{ role: 'user', content }];

describe('OpenAICompatibleBackend against our own server (engine plugboard, the same protocol)', () => {
  let test: TestServer;
  beforeAll(async () => {
    test = await startTestServer();
  }, 120_000);
  afterAll(async () => {
    await test?.close();
  });
  const remote = () => new OpenAICompatibleBackend({ baseURL: `${test.url}/v1`, engine: 'plugboard', model: 'model', skills: test.server.context.catalog.routingRegistry });

  it('generates text on a skill and reports usage', async () => {
    const backend = remote();
    expect(backend.describe()).toMatchObject({ model: 'model', adapterKinds: ['lora', 'bottleneck'], skills: ['research', 'writer'] });
    const result = await backend.generate({ messages: user('Say hi'), skill: 'writer' }).result;
    expect(result).toMatchObject({ text: 'Hello from Plugboard.', finishReason: 'stop', toolCalls: [] });
    expect(result.usage.completionTokens).toBeGreaterThan(0);
  });

  it('joins streamed tool-call fragments into a parsed call with finish reason tool-calls', async () => {
    const stream = remote().generate({ messages: user('what is the weather in Oslo'), skill: 'research', tools: [WEATHER] });
    const deltas: SkillDelta[] = [];
    for await (const delta of stream) deltas.push(delta);
    const result = await stream.result;
    expect(deltas.filter((d) => d.type === 'tool-call')).toMatchObject([{ index: 0, name: 'get_weather', argsText: '{"city":"Oslo"}' }]);
    expect(result).toMatchObject({ finishReason: 'tool-calls', toolCalls: [{ name: 'get_weather', args: { city: 'Oslo' } }], invalidToolCalls: [] });
    expect(result.message.tool_calls?.[0]?.function.name).toBe('get_weather');
  });

  it('refuses a skill it does not know, and maps the server\'s 404 for one the server does not know', async () => {
    expect(() => remote().generate({ messages: user('hi'), skill: 'ghost' })).toThrow(expect.objectContaining({ code: 'SKILL_NOT_FOUND' }));
    const local = test.server.context.catalog.routingRegistry;
    const extra = new OpenAICompatibleBackend({ baseURL: `${test.url}/v1`, engine: 'plugboard', model: 'model', skills: [...local.list(), { ...local.get('writer'), manifest: { ...local.get('writer').manifest, name: 'elsewhere' } }] });
    await expect(extra.generate({ messages: user('hi'), skill: 'elsewhere' }).result).rejects.toMatchObject({ code: 'SKILL_NOT_FOUND', message: expect.stringContaining('404') });
  });
});

describe('OpenAICompatibleBackend against recorded vLLM / LoRAX responses', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'plugboard-remote-'));
  const seen: Array<{ url: string; body: Record<string, unknown> }> = [];
  const app = Fastify();
  let baseURL = '';
  const { config } = writeFixtureModel(join(tmp, 'model'), TINY_SHAPES);
  writeFixtureSkill(join(tmp, 'sql'), { config, name: 'sql', rank: 8, seed: 1 });
  writeFixtureSkill(join(tmp, 'wide'), { config, name: 'wide', rank: 32, seed: 2 });
  writeFixtureSkill(join(tmp, 'bottleneck'), { config, name: 'bottleneck', kind: 'adapter', rank: 8, seed: 3 });
  const skills = [loadSkill(join(tmp, 'sql')), loadSkill(join(tmp, 'wide')), loadSkill(join(tmp, 'bottleneck'))];
  beforeAll(async () => {
    // a stand-in for the engine on 127.0.0.1, answering with vLLM's documented formats
    app.post('/v1/load_lora_adapter', async (request, reply) => {
      seen.push({ url: request.url, body: request.body as Record<string, unknown> });
      return reply.type('text/plain').send(`Success: LoRA adapter '${(request.body as { lora_name: string }).lora_name}' added successfully.`);
    });
    app.post('/v1/chat/completions', async (request, reply) => {
      seen.push({ url: request.url, body: request.body as Record<string, unknown> });
      return reply.type('text/event-stream').send(readFileSync(join(import.meta.dirname, 'fixtures', 'vllm-tool-call.sse'), 'utf8'));
    });
    baseURL = `${await app.listen({ port: 0, host: '127.0.0.1' })}/v1`;
  });
  afterAll(async () => {
    await app.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('vLLM: registers the skill as a LoRA module on first use, then runs it by name and parses the streamed tool call', async () => {
    seen.length = 0;
    const backend = new OpenAICompatibleBackend({ baseURL, engine: 'vllm', model: 'Qwen/Qwen2.5-0.5B-Instruct', skills });
    expect(backend.describe().skills).toEqual(['sql']);
    const result = await backend.generate({ messages: user('count users'), skill: 'sql', tools: [{ type: 'function', function: { name: 'run_query', parameters: {} } }], sampling: { maxTokens: 64, temperature: 0 } }).result;
    expect(seen.map((s) => s.url)).toEqual(['/v1/load_lora_adapter', '/v1/chat/completions']);
    expect(seen[0]?.body).toEqual({ lora_name: 'sql', lora_path: skills[0]?.adapterDir });
    expect(seen[1]?.body).toMatchObject({ model: 'sql', stream: true, max_tokens: 64, temperature: 0, tool_choice: 'auto' });
    expect(result).toMatchObject({ text: 'Let me check.', finishReason: 'tool-calls', toolCalls: [{ id: 'chatcmpl-tool-5b2e', name: 'run_query', args: { sql: 'SELECT count(*) FROM users' } }], usage: { promptTokens: 57, completionTokens: 22, cachedTokens: 0 } });
    await backend.generate({ messages: user('again'), skill: 'sql' }).result;
    expect(seen.filter((s) => s.url === '/v1/load_lora_adapter')).toHaveLength(1);
  });

  it('LoRAX: the base model with adapter_id and adapter_source "local"', async () => {
    seen.length = 0;
    const backend = new OpenAICompatibleBackend({ baseURL, engine: 'lorax', model: 'base', skills });
    await backend.generate({ messages: user('count users'), skill: 'sql' }).result;
    expect(seen.map((s) => s.url)).toEqual(['/v1/chat/completions']);
    expect(seen[0]?.body).toMatchObject({ model: 'base', adapter_id: skills[0]?.adapterDir, adapter_source: 'local' });
  });

  it('refuses bottleneck Adapters and ranks above --max-lora-rank with UNSUPPORTED_FEATURE before any request', async () => {
    seen.length = 0;
    const backend = new OpenAICompatibleBackend({ baseURL, engine: 'vllm', model: 'base', skills, maxLoraRank: 16 });
    expect(() => backend.generate({ messages: user('x'), skill: 'bottleneck' })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_FEATURE', message: expect.stringContaining('retrain it as LoRA') }));
    await expect(backend.prepare('wide')).rejects.toMatchObject({ code: 'UNSUPPORTED_FEATURE', message: expect.stringContaining('--max-lora-rank 32') });
    expect(seen).toEqual([]);
  });
});
