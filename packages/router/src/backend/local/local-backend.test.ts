import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@plugboard/core';
import { pinnedAdapters } from '../../agent/testing/agent-fixture.ts';
import { useAgentFixture } from '../../agent/testing/use-agent-fixture.ts';
import { scriptedBackend } from '../../testing/scripted-backend.ts';
import type { ChatRuntime } from './chat-runtime.ts';
import { fitToContext } from './fit-context.ts';
import { LocalBackend } from './local-backend.ts';
import type { ToolSpec } from '../skill-request.ts';
import type { SkillDelta } from '../skill-result.ts';

const handle = useAgentFixture('local-backend');

const WEATHER: ToolSpec = { type: 'function', function: { name: 'get_weather', description: 'Weather of a city.', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
const user = (content: string): ChatMessage => ({ role: 'user', content });

describe('LocalBackend', () => {
  it('reports each concurrent turn its own prompt usage (the shared transcript and a throwaway conversation alike)', async () => {
    const backend = new LocalBackend({ model: handle.fixture.model, bank: handle.fixture.bank, skills: handle.fixture.registry });
    const short = { messages: [user('Hi')], skill: null, sampling: { temperature: 0, maxTokens: 2 } };
    const long = { messages: [user('A much longer question that takes many more tokens to say, and then some more words')], skill: null, sampling: { temperature: 0, maxTokens: 2 } };
    const alone = [(await backend.generate(short).result).usage, (await backend.generate(long).result).usage];
    const [a, b] = await Promise.all([backend.generate(short).result, backend.generate(long).result]);
    expect(alone[1]!.promptTokens).toBeGreaterThan(alone[0]!.promptTokens);
    expect([a.usage.promptTokens, b.usage.promptTokens]).toEqual([alone[0]!.promptTokens, alone[1]!.promptTokens]);
  });

  it('describes what it can run and makes a skill resident on prepare', async () => {
    const backend = new LocalBackend({ model: handle.fixture.model, bank: handle.fixture.bank, skills: handle.fixture.registry });
    expect(backend.describe()).toEqual({ model: 'model', adapterKinds: ['lora'], maxRank: 4, contextLength: 2048, skills: ['research', 'writer'] });
    await backend.prepare('writer');
    expect(handle.fixture.bank.list().map((h) => h.name)).toContain('writer');
    await expect(backend.prepare('ghost')).rejects.toMatchObject({ code: 'SKILL_NOT_FOUND', message: expect.stringContaining('research, writer') });
  });

  it('streams visible text and whole tool calls, and ends with the parsed calls, usage and the raw turn for the history', async () => {
    const turn = 'Checking. <tool_call>\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n</tool_call>';
    const { backend } = scriptedBackend({ ...handle.fixture, skills: handle.fixture.registry }, [turn]);
    const stream = backend.generate({ messages: [user('Weather in Oslo?')], tools: [WEATHER], skill: 'research', toolCallIdPrefix: 'c' });
    const deltas: SkillDelta[] = [];
    for await (const delta of stream) deltas.push(delta);
    const result = await stream.result;
    const text = deltas.filter((d) => d.type === 'text').map((d) => d.text).join('');
    expect(text.trim()).toBe('Checking.');
    expect(deltas.filter((d) => d.type === 'tool-call')).toEqual([{ type: 'tool-call', index: 0, id: 'c0', name: 'get_weather', argsText: '{"city":"Oslo"}' }]);
    expect(result).toMatchObject({ text: 'Checking.', toolCalls: [{ id: 'c0', name: 'get_weather', args: { city: 'Oslo' } }], invalidToolCalls: [], finishReason: 'tool-calls', droppedMessages: 0 });
    expect(result.message).toEqual({ role: 'assistant', content: turn });
    expect(result.usage.promptTokens).toBeGreaterThan(0);
    expect(pinnedAdapters(handle.fixture.bank)).toEqual([]);
  });

  it('passes the constraint a request asks for down to generation (json_schema, required or named tool calls), none for auto or none', async () => {
    const turns = ['{}', 'a', 'b', 'c', 'd'];
    const { backend, script } = scriptedBackend({ ...handle.fixture, skills: handle.fixture.registry }, turns);
    const messages = [user('hi')];
    const schema = { type: 'object', properties: { n: { type: 'integer' } } };
    await backend.generate({ messages, responseFormat: { type: 'json_schema', schema, name: 'count' } }).result;
    await backend.generate({ messages, tools: [WEATHER], toolChoice: 'required' }).result;
    await backend.generate({ messages, tools: [WEATHER], toolChoice: { name: 'get_weather' } }).result;
    await backend.generate({ messages, tools: [WEATHER] }).result;
    await backend.generate({ messages, tools: [WEATHER], toolChoice: 'none' }).result;
    const tool = { name: 'get_weather', description: 'Weather of a city.', parameters: WEATHER.function.parameters };
    expect(script.calls.map((c) => c.options.constraint)).toEqual([
      { type: 'json_schema', schema, name: 'count' },
      { type: 'tool_calls', tools: [tool], toolChoice: 'required' },
      { type: 'tool_calls', tools: [tool], toolChoice: { name: 'get_weather' } },
      undefined,
      undefined,
    ]);
    // toolChoice none: the tools are not offered at all
    expect(script.calls[3]?.prompt).toContain('get_weather');
    expect(script.calls[4]?.prompt).not.toContain('get_weather');
    const strict = scriptedBackend({ ...handle.fixture, skills: handle.fixture.registry }, ['a'], { constrainAutoToolCalls: true });
    await strict.backend.generate({ messages, tools: [WEATHER] }).result;
    expect(strict.script.calls[0]?.options.constraint).toEqual({ type: 'tool_calls', tools: [tool], toolChoice: 'auto' });
    // a request's constrained flag goes over the policy either way
    const asked = scriptedBackend({ ...handle.fixture, skills: handle.fixture.registry }, ['a', 'b']);
    await asked.backend.generate({ messages, tools: [WEATHER], constrained: true }).result;
    await asked.backend.generate({ messages, responseFormat: { type: 'json_schema', schema }, constrained: false }).result;
    expect(asked.script.calls.map((c) => c.options.constraint)).toEqual([{ type: 'tool_calls', tools: [tool], toolChoice: 'auto' }, undefined]);
  });

  it('streams a malformed call with its error, and under toolChoice "none" keeps tool-call markup as text', async () => {
    const broken = '<tool_call>{"name": "get_weather", "arguments": {"city": "Os</tool_call>';
    const { backend } = scriptedBackend({ ...handle.fixture, skills: handle.fixture.registry }, [broken, broken]);
    const deltas: SkillDelta[] = [];
    const stream = backend.generate({ messages: [user('Weather?')], tools: [WEATHER], toolCallIdPrefix: 'c' });
    for await (const delta of stream) deltas.push(delta);
    expect(deltas).toEqual([{ type: 'tool-call', index: 0, id: 'c0', name: '', argsText: '{"name": "get_weather", "arguments": {"city": "Os', error: expect.stringContaining('not valid JSON') }]);
    expect((await stream.result).invalidToolCalls).toMatchObject([{ id: 'c0' }]);
    const none = await backend.generate({ messages: [user('Weather?')], tools: [WEATHER], toolChoice: 'none' }).result;
    expect(none).toMatchObject({ text: broken, toolCalls: [], invalidToolCalls: [], finishReason: 'stop' });
  });

  it('without a bank runs the base model only, and says what to do when a step needs a skill', async () => {
    const base = new LocalBackend({ model: handle.fixture.model });
    expect(base.describe().skills).toEqual([]);
    const result = await base.generate({ messages: [user('hi')], sampling: { maxTokens: 3, temperature: 0 } }).result;
    expect(result.usage.completionTokens).toBeGreaterThan(0);
    expect(base.countTokens('rennet curdles milk')).toBe(handle.fixture.model.tokenizer.encode('rennet curdles milk', { addSpecialTokens: false }).length);
    const bankless = new LocalBackend({ model: handle.fixture.model, skills: handle.fixture.registry });
    await expect(bankless.generate({ messages: [user('hi')], skill: 'writer' }).result).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('createAdapterBank') });
  });

  it('drops the oldest turns when the transcript outgrows the context, and the real model generates instead of failing', async () => {
    const model = handle.fixture.model;
    const small: ChatRuntime = Object.create(model, { contextLength: { value: 256 } }) as ChatRuntime;
    const backend = new LocalBackend({ model: small, bank: handle.fixture.bank, skills: handle.fixture.registry });
    const history: ChatMessage[] = [{ role: 'system', content: 'Be brief.' }];
    for (let i = 0; i < 6; i++) history.push(user(`question ${i} ${'lorem ipsum '.repeat(6)}`), { role: 'assistant', content: `answer ${i} ${'dolor sit '.repeat(6)}` });
    history.push(user('the latest question'));
    const prompted: number[] = [];
    model.events.on('generate:start', (e) => prompted.push(e.promptTokens[0] as number));
    const result = await backend.generate({ messages: history, sampling: { maxTokens: 8, temperature: 0 } }).result;
    model.events.removeAllListeners('generate:start');
    expect(result.droppedMessages).toBeGreaterThan(0);
    expect(prompted[0]).toBeLessThanOrEqual(256 - 8);
    expect(result.usage.completionTokens).toBeGreaterThan(0);
  });
});

describe('fitToContext', () => {
  const chars = (messages: ChatMessage[]) => messages.reduce((n, m) => n + (m.content ?? '').length, 0);

  it('keeps everything that fits, else drops the oldest turns first, never system messages or the latest user turn, tool results with their call', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'sys' },
      user('aaaa'),
      { role: 'assistant', content: 'call' },
      { role: 'tool', content: 'rows' },
      { role: 'system', content: 'skill' },
      user('bbbb'),
      { role: 'assistant', content: 'cc' },
    ];
    expect(fitToContext(messages, 100, chars)).toEqual({ messages, dropped: 0 });
    const fitted = fitToContext(messages, 22, chars);
    expect(fitted.messages.map((m) => m.content)).toEqual(['sys', 'call', 'rows', 'skill', 'bbbb', 'cc']);
    expect(fitted.dropped).toBe(1);
    const tighter = fitToContext(messages, 14, chars);
    expect(tighter.messages.map((m) => m.content)).toEqual(['sys', 'skill', 'bbbb', 'cc']);
    expect(tighter.dropped).toBe(3);
    // what must stay is returned as it is, even when it does not fit (generation then reports PROMPT_TOO_LONG)
    expect(fitToContext(messages, 1, chars).messages.map((m) => m.content)).toEqual(['sys', 'skill', 'bbbb', 'cc']);
  });
});
