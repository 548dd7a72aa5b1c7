import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignVersion } from './canary/assign-version.ts';
import { startTestServer } from './testing/start-test-server.ts';
import type { TestServer } from './testing/start-test-server.ts';

const logDir = mkdtempSync(join(tmpdir(), 'plugboard-shadow-'));
const shadowLog = join(logDir, 'shadow.jsonl');
const ROLLOUT = { versions: [{ version: '1.0.0', weight: 50 }, { version: '1.1.0', weight: 50 }], shadow: '1.1.0' };
let test: TestServer;
beforeAll(async () => {
  test = await startTestServer({
    config: {
      adminKey: 'admin-key',
      tenants: [
        { name: 'acme', keys: ['key-acme'], skills: ['research'] },
        { name: 'globex', keys: ['key-globex'], skills: ['writer'], rateLimit: { perSecond: 0.01, burst: 2 } },
      ],
      skills: { research: ROLLOUT },
      limits: { bodyBytes: 4096, queue: 16, timeoutMs: 60_000 },
      shadowLog,
    },
  });
}, 120_000);
afterAll(async () => {
  await test?.close();
  rmSync(logDir, { recursive: true, force: true });
});

const client = (key: string) => new OpenAI({ baseURL: `${test.url}/v1`, apiKey: key, maxRetries: 0 });
const ask = (content: string) => [{ role: 'user' as const, content }];
const post = (path: string, key: string, body: unknown) => fetch(`${test.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
/** a session id the rollout puts on `version` */
const sessionOn = (version: string) => Array.from({ length: 100 }, (_, i) => `s-${i}`).find((s) => assignVersion(ROLLOUT, 'research', s) === version) as string;

describe('tenants', () => {
  it('a tenant neither lists nor calls another tenant\'s skills: 404 exactly as for a missing one', async () => {
    const models = await client('key-acme').models.list();
    expect(models.data.map((m) => m.id)).toEqual(['model', 'auto', 'research']);
    const other = (await client('key-acme').chat.completions.create({ model: 'writer', messages: ask('hi') }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.NotFoundError>;
    const ghost = (await client('key-acme').chat.completions.create({ model: 'ghost', messages: ask('hi') }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.NotFoundError>;
    expect(other).toBeInstanceOf(OpenAI.NotFoundError);
    expect(other.message.replace('writer', 'X')).toBe(ghost.message.replace('ghost', 'X'));
    await expect(client('key-acme').chat.completions.create({ model: 'writer@1.0.0', messages: ask('hi') })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('routes `auto` only among the tenant\'s skills: a request another tenant\'s skill would win goes to the base model', async () => {
    const open = await client('admin-key').chat.completions.create({ model: 'auto', messages: ask('write a summary of these results') }).withResponse();
    expect(open.response.headers.get('x-plugboard-skill')).toBe('writer');
    const acme = await client('key-acme').chat.completions.create({ model: 'auto', messages: ask('write a summary of these results') }).withResponse();
    expect(acme.response.headers.get('x-plugboard-skill')).toBe('model');
    expect((acme.data as unknown as { x_plugboard: unknown }).x_plugboard).toMatchObject({ skill: null, reason: 'fallback' });
  });

  it('refuses missing and unknown keys with 401', async () => {
    await expect(client('wrong').models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect((await fetch(`${test.url}/v1/models`)).status).toBe(401);
  });

  it('rate-limits per key with 429 and Retry-After', async () => {
    const globex = client('key-globex');
    await globex.chat.completions.create({ model: 'writer', messages: ask('hi') });
    await globex.chat.completions.create({ model: 'writer', messages: ask('hi') });
    const limited = await post('/v1/chat/completions', 'key-globex', { model: 'writer', messages: ask('hi') });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    // another key is not affected
    await expect(client('key-acme').chat.completions.create({ model: 'research', messages: ask('hi') })).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('refuses a body over the size limit with 413 in OpenAI shape', async () => {
    const response = await post('/v1/chat/completions', 'key-acme', { model: 'research', messages: ask('x'.repeat(8000)) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });
});

describe('canary and shadow', () => {
  it('keeps a session on its version (x-session-id), reports it in a header and metrics, and an explicit NAME@VERSION wins', async () => {
    const acme = client('key-acme');
    for (const version of ['1.0.0', '1.1.0']) {
      const session = sessionOn(version);
      for (let i = 0; i < 3; i++) {
        const { response } = await acme.chat.completions.create({ model: 'research', messages: ask('hi') }, { headers: { 'x-session-id': session } }).withResponse();
        expect(response.headers.get('x-plugboard-version')).toBe(version);
      }
    }
    const { response } = await acme.chat.completions.create({ model: 'research@1.0.0', messages: ask('hi'), user: sessionOn('1.1.0') }).withResponse();
    expect(response.headers.get('x-plugboard-version')).toBe('1.0.0');
    expect(await (await fetch(`${test.url}/metrics`)).text()).toMatch(/plugboard_skill_requests_total\{skill="research",version="1.1.0"\} [1-9]/);
  });

  it('runs the shadow after the primary, never returns its output, and records agreement in metrics and the JSONL log', async () => {
    const session = sessionOn('1.0.0');
    const reply = await client('key-acme').chat.completions.create({ model: 'research', messages: ask('tell me something'), user: session });
    // 1.0.0's answer, not the shadow's (1.1.0 answers "Answer from research v2.")
    expect(reply.choices[0]?.message.content).toBe('Hello from Plugboard.');
    await Promise.all([...test.server.context.shadows]);
    const lines = readFileSync(shadowLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ skill: 'research', primary: '1.0.0', shadow: '1.1.0', sameToolCalls: true, shadowValidJson: null, textSimilarity: expect.any(Number) });
    expect(lines.at(-1)?.textSimilarity).toBeLessThan(1);
    expect(await (await fetch(`${test.url}/metrics`)).text()).toMatch(/plugboard_shadow_runs_total\{skill="research",version="1.1.0",same_tool_calls="true",valid_json="null"\} [1-9]/);
  });

  it('changes weights without a restart through the admin endpoint (admin key only), and on reload', async () => {
    const session = sessionOn('1.0.0');
    expect((await post('/admin/skills/research', 'key-acme', { versions: [{ version: '1.1.0', weight: 1 }] })).status).toBe(403);
    expect((await post('/admin/skills/research', 'admin-key', { versions: [{ version: '9.9.9', weight: 1 }] })).status).toBe(404);
    expect((await post('/admin/skills/research', 'admin-key', { versions: [{ version: '1.1.0', weight: 1 }] })).status).toBe(200);
    const { response } = await client('key-acme').chat.completions.create({ model: 'research', messages: ask('hi'), user: session }).withResponse();
    expect(response.headers.get('x-plugboard-version')).toBe('1.1.0');
    const config = test.server.context.config;
    test.server.reload({ ...config, skills: { research: { versions: [{ version: '1.0.0', weight: 1 }] } } });
    const again = await client('key-acme').chat.completions.create({ model: 'research', messages: ask('hi'), user: session }).withResponse();
    expect(again.response.headers.get('x-plugboard-version')).toBe('1.0.0');
    test.server.reload({ ...config, skills: { research: ROLLOUT } });
  });
});

describe('vLLM-style adapter endpoints', () => {
  it('unloads and loads a skill from inside the skill roots (admin key), and refuses paths outside with 403', async () => {
    expect((await post('/v1/unload_lora_adapter', 'key-acme', { lora_name: 'writer' })).status).toBe(403);
    expect((await post('/v1/load_lora_adapter', 'admin-key', { lora_name: 'writer', lora_path: tmpdir() })).status).toBe(403);
    expect((await post('/v1/unload_lora_adapter', 'admin-key', { lora_name: 'writer' })).status).toBe(200);
    const admin = client('admin-key');
    expect((await admin.models.list()).data.map((m) => m.id)).not.toContain('writer');
    await expect(admin.chat.completions.create({ model: 'writer', messages: ask('hi') })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const loaded = await post('/v1/load_lora_adapter', 'admin-key', { lora_name: 'writer', lora_path: join(test.tmp, 'skills', 'writer') });
    expect(loaded.status).toBe(200);
    expect((await admin.models.list()).data.map((m) => m.id)).toContain('writer');
    await expect(admin.chat.completions.create({ model: 'writer', messages: ask('hi') })).resolves.toMatchObject({ choices: [{ message: { content: 'Hello from Plugboard.' } }] });
    expect((await post('/v1/load_lora_adapter', 'admin-key', { lora_name: 'writer', lora_path: join(test.tmp, 'skills', 'writer') })).status).toBe(400);
  });
});
