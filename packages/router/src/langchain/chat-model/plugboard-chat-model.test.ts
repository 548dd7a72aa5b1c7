import { AIMessage, AIMessageChunk, HumanMessage } from '@langchain/core/messages';
import { InMemoryCache } from '@langchain/core/caches';
import type { LLMResult } from '@langchain/core/outputs';
import { tool } from '@langchain/core/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { slotOf, WRITER_PROMPT } from '../../agent/testing/agent-fixture.ts';
import { useAgentFixture } from '../../agent/testing/use-agent-fixture.ts';
import { LocalBackend } from '../../backend/local/local-backend.ts';
import { scriptedBackend } from '../../testing/scripted-backend.ts';
import type { ScriptedTurn } from '../../testing/scripted-token-source.ts';
import { PlugboardChatModel } from './plugboard-chat-model.ts';
import type { PlugboardChatModelFields } from './plugboard-chat-model.ts';

const handle = useAgentFixture('chat-model');

const weather = tool(({ city }) => `sunny in ${city}`, { name: 'get_weather', description: 'Weather of a city.', schema: z.object({ city: z.string() }) });
const clock = tool(({ city }) => `noon in ${city}`, { name: 'get_time', description: 'Local time of a city.', schema: z.object({ city: z.string() }) });
const CALL = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n</tool_call>';
const TIME_CALL = '<tool_call>\n{"name": "get_time", "arguments": {"city": "Lima"}}\n</tool_call>';

type ModelFields = Omit<PlugboardChatModelFields, 'backend' | 'skills'>;

/** A chat model over a LocalBackend whose generations emit these texts, one per call (prompt rendering, bank leases and tool-call parsing stay real). */
function scripted(turns: ScriptedTurn[], fields: ModelFields = {}) {
  const { backend, script } = scriptedBackend({ ...handle.fixture, skills: handle.fixture.registry }, turns);
  return { script, model: new PlugboardChatModel({ backend, skills: handle.fixture.registry, ...fields }) };
}

/** A chat model over the real tiny random model and its bank. */
function onModel(fields: ModelFields = {}) {
  const backend = new LocalBackend({ model: handle.fixture.model, bank: handle.fixture.bank, skills: handle.fixture.registry });
  return new PlugboardChatModel({ backend, skills: handle.fixture.registry, ...fields });
}

async function streamed(stream: AsyncIterable<AIMessageChunk>): Promise<AIMessageChunk[]> {
  const chunks: AIMessageChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('PlugboardChatModel', () => {
  it('renders bound tools into the prompt and parses <tool_call> output into tool_calls', async () => {
    const { model, script } = scripted([`Let me check. ${CALL}`]);
    const reply = await model.bindTools([weather]).invoke([new HumanMessage('Weather in Oslo?')]);
    expect(script.calls[0]?.prompt).toContain('"name": "get_weather"');
    expect(reply.text).toBe('Let me check.');
    expect(reply.tool_calls).toMatchObject([{ name: 'get_weather', args: { city: 'Oslo' }, type: 'tool_call' }]);
    expect(reply.response_metadata).toMatchObject({ finish_reason: 'tool_calls' });
    expect(reply.usage_metadata?.output_tokens).toBeGreaterThan(0);
  });

  it('streams visible text first and each tool call as an indexed tool_call_chunk when its block closes', async () => {
    const { model } = scripted([`Checking. ${CALL}`]);
    const chunks = await streamed(await model.bindTools([weather]).stream([new HumanMessage('Weather in Oslo?')]));
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => !c.text.includes('<tool_call>'))).toBe(true);
    const withCalls = chunks.filter((c) => (c.tool_call_chunks ?? []).length > 0);
    expect(withCalls).toHaveLength(1);
    expect(withCalls[0]?.tool_call_chunks).toMatchObject([{ name: 'get_weather', index: 0, type: 'tool_call_chunk' }]);
    const whole = chunks.reduce((a, b) => a.concat(b));
    expect(whole.text).toBe('Checking.');
    expect(whole.tool_calls).toMatchObject([{ name: 'get_weather', args: { city: 'Oslo' } }]);
  });

  it('reports malformed tool calls as invalid_tool_calls, in invoke and in merged stream chunks', async () => {
    // a cut-off body that LangChain's partial-JSON parser would "repair" into a call
    const broken = '<tool_call>{"name": "get_weather", "arguments": {"city": "Os</tool_call>';
    const { model } = scripted([broken, broken]);
    const reply = await model.invoke([new HumanMessage('Weather?')]);
    expect(reply.tool_calls).toEqual([]);
    expect(reply.invalid_tool_calls).toMatchObject([{ type: 'invalid_tool_call', name: undefined }]);
    expect(reply.invalid_tool_calls?.[0]?.error).toContain('not valid JSON');
    const whole = (await streamed(await model.stream([new HumanMessage('Weather?')]))).reduce((a, b) => a.concat(b));
    expect(whole.tool_calls).toEqual([]);
    expect(whole.invalid_tool_calls).toHaveLength(1);
  });

  it('on the real model, prefills only the new turns when the next call extends the previous transcript (a merged stream reply included)', async () => {
    const model = onModel({ temperature: 0, maxTokens: 4 }).bindTools([weather]);
    const question = new HumanMessage('Weather in Oslo?');
    // a streamed reply, merged the way LangChain users do, goes back into the transcript
    const first = (await streamed(await model.stream([question]))).reduce((a, b) => a.concat(b));
    const next = await model.invoke([question, first, new HumanMessage('And in Lima?')]);
    const fresh = await onModel({ temperature: 0, maxTokens: 4 }).bindTools([weather]).invoke([question, new AIMessage(first), new HumanMessage('And in Lima?')]);
    const usage = [first, next, fresh].map((m) => ({ input: m.usage_metadata?.input_tokens ?? -1, output: m.usage_metadata?.output_tokens ?? -1, cached: m.usage_metadata?.input_token_details?.cache_read ?? -1 }));
    // the second call reused the whole first call (its prompt and reply but the reply's last token); a fresh model reuses nothing
    expect(usage[1]?.cached).toBe((usage[0]?.input ?? 0) + (usage[0]?.output ?? 0) - 1);
    expect(usage[1]?.input).toBe(usage[2]?.input);
    expect(usage[2]?.cached).toBe(0);
  });

  it('runs the call option skill: its adapter slot, its system prompt where it takes over, and names it in the reply', async () => {
    const { model, script } = scripted(['Drafted.', 'Base again.']);
    const reply = await model.invoke([new HumanMessage('Draft a note.')], { skill: 'writer' });
    expect(script.calls[0]?.options.adapter).toMatchObject({ slot: slotOf(handle.fixture.bank, 'writer') });
    expect(script.calls[0]?.prompt).toContain(WRITER_PROMPT);
    expect(reply.response_metadata).toMatchObject({ skill: 'writer', model_name: 'writer' });
    // the reply records its skill, so the next call (back on the base model) keeps the writer's prompt where it took over
    await model.invoke([new HumanMessage('Draft a note.'), reply, new HumanMessage('Thanks.')]);
    expect(script.calls[1]?.options.adapter).toBeNull();
    expect(script.calls[1]?.prompt.startsWith(script.calls[0]?.prompt ?? '-')).toBe(true);
    await expect(model.invoke('x', { skill: 'ghost' })).rejects.toMatchObject({ code: 'SKILL_NOT_FOUND', message: expect.stringContaining('research, writer') });
    expect(script.turnsLeft).toBe(0);
  });
});

describe('PlugboardChatModel: LangChain chat-model contract', () => {
  it('invoke, stream and batch return AIMessageChunks', async () => {
    const { model } = scripted(['Hello there.', 'Hi back.', 'One.', 'Two.']);
    const reply = await model.invoke('Hello');
    expect(reply).toBeInstanceOf(AIMessageChunk);
    expect(AIMessageChunk.isInstance(reply)).toBe(true);
    expect(reply.text).toBe('Hello there.');
    const chunks = await streamed(await model.stream('Hello'));
    expect(chunks.every((c) => c instanceof AIMessageChunk)).toBe(true);
    expect(chunks.map((c) => c.text).join('')).toBe('Hi back.');
    // one script answers the calls in turn, so the batch runs in order
    const batch = await model.batch(['first', 'second'], { maxConcurrency: 1 });
    expect(batch.map((m) => [m instanceof AIMessageChunk, m.text])).toEqual([
      [true, 'One.'],
      [true, 'Two.'],
    ]);
  });

  it('batch runs concurrent calls on one loaded model', async () => {
    const model = onModel({ temperature: 0, maxTokens: 4 });
    const batch = await model.batch(['Hello', 'Hey']);
    expect(batch).toHaveLength(2);
    for (const reply of batch) {
      expect(reply).toBeInstanceOf(AIMessageChunk);
      expect(reply.usage_metadata?.output_tokens).toBeGreaterThan(0);
      expect(reply.usage_metadata?.output_tokens).toBeLessThanOrEqual(4);
    }
  });

  it('puts usage_metadata on the final message and on the last stream chunk only', async () => {
    const { model } = scripted(['Four words right here.', 'Four words right here.']);
    const reply = await model.invoke('Hello');
    const tokens = handle.fixture.model.tokenizer.encode('Four words right here.', { addSpecialTokens: false }).length;
    expect(reply.usage_metadata).toMatchObject({ input_tokens: expect.any(Number), output_tokens: tokens, total_tokens: (reply.usage_metadata?.input_tokens ?? 0) + tokens, input_token_details: { cache_read: 0 } });
    expect(reply.usage_metadata?.input_tokens).toBeGreaterThan(0);
    const chunks = await streamed(await model.stream('Hello'));
    expect(chunks.at(-1)?.usage_metadata).toMatchObject({ input_tokens: reply.usage_metadata?.input_tokens, output_tokens: tokens });
    expect(chunks.slice(0, -1).every((c) => c.usage_metadata === undefined)).toBe(true);
  });

  it('reports finish_reason, the model name and the skill in response_metadata', async () => {
    const { model } = scripted(['a b c d e f g h', 'done.'], { modelName: 'tiny-qwen', maxTokens: 3 });
    const cut = await model.invoke('Hello');
    expect(cut.response_metadata).toMatchObject({ finish_reason: 'length', model_name: 'tiny-qwen', model_provider: 'plugboard' });
    expect(cut.usage_metadata?.output_tokens).toBe(3);
    const done = await model.invoke('Hello', { skill: 'writer', generation: { maxTokens: 16 } });
    expect(done.response_metadata).toMatchObject({ finish_reason: 'stop', model_name: 'writer', skill: 'writer' });
    expect(onModel().modelName).toBe('model');
  });

  it('merges parallel tool-call chunks by index into tool_calls with distinct ids', async () => {
    const { model } = scripted([`${CALL}\n${TIME_CALL}`]);
    const chunks = await streamed(await model.bindTools([weather, clock]).stream('Weather in Oslo and time in Lima?'));
    expect(chunks.flatMap((c) => (c.tool_call_chunks ?? []).map((t) => t.index))).toEqual([0, 1]);
    const whole = chunks.reduce((a, b) => a.concat(b));
    expect(whole.tool_calls).toMatchObject([
      { name: 'get_weather', args: { city: 'Oslo' }, type: 'tool_call' },
      { name: 'get_time', args: { city: 'Lima' }, type: 'tool_call' },
    ]);
    expect(new Set(whole.tool_calls?.map((c) => c.id)).size).toBe(2);
    expect(whole.text).toBe('');
  });

  it('maps bindTools tool_choice to the tool-call constraint, only when the choice forces a call or constrained is asked', async () => {
    const { model, script } = scripted(Array.from({ length: 7 }, () => CALL));
    const tools = [weather, clock];
    const ask = [new HumanMessage('Weather in Oslo?')];
    await model.bindTools(tools).invoke(ask);
    await model.bindTools(tools, { tool_choice: 'auto' }).invoke(ask);
    await model.bindTools(tools, { tool_choice: 'auto', constrained: true }).invoke(ask);
    await model.bindTools(tools, { tool_choice: 'any' }).invoke(ask);
    await model.bindTools(tools, { tool_choice: 'required' }).invoke(ask);
    await model.bindTools(tools, { tool_choice: 'get_weather' }).invoke(ask);
    const forced = await model.bindTools(tools, { tool_choice: { type: 'function', function: { name: 'get_time' } } }).invoke(ask);
    const constraints = script.calls.map((c) => c.options.constraint);
    expect(constraints.map((c) => (c?.type === 'tool_calls' ? c.toolChoice : null))).toEqual([null, null, 'auto', 'required', 'required', { name: 'get_weather' }, { name: 'get_time' }]);
    expect(constraints.at(-1)).toMatchObject({
      type: 'tool_calls',
      tools: [
        { name: 'get_weather', description: 'Weather of a city.', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
        { name: 'get_time', description: 'Local time of a city.' },
      ],
    });
    expect(forced.response_metadata.constrained).toBe(true);
  });

  it('with tool_choice "none" offers no tools and keeps the output text', async () => {
    const { model, script } = scripted([CALL]);
    const reply = await model.bindTools([weather], { tool_choice: 'none' }).invoke('Weather in Oslo?');
    expect(script.calls[0]?.prompt).not.toContain('get_weather');
    expect(reply.tool_calls).toEqual([]);
    expect(reply.text).toContain('"name": "get_weather"');
  });

  it('rejects a tool_choice or response_format it cannot honour with INVALID_ARGUMENT before generating', async () => {
    const { model, script } = scripted(['unused']);
    await expect(model.bindTools([weather], { tool_choice: 'get_time' }).invoke('x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('bound tools are: get_weather') });
    await expect(model.invoke('x', { tool_choice: 'any' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('needs bound tools') });
    await expect(model.bindTools([weather], { tool_choice: { type: 'function' } }).invoke('x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(model.invoke('x', { constrained: true })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('needs something to constrain') });
    await expect(model.invoke('x', { response_format: { type: 'json_object' } as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('response_format') });
    expect(script.calls).toHaveLength(0);
  });

  it('passes constructor sampling to generation; call options override it', async () => {
    // the script cuts turns at maxTokens as generation does; stop strings are core's to apply, so here they are only checked as passed
    const { model, script } = scripted(['Hello world', 'Hello world', 'Hello world'], { temperature: 0, maxTokens: 40, stopSequences: ['STOP'], topP: 0.9, topK: 5, seed: 7, generation: { temperature: 1.5, minP: 0.1 } });
    await model.invoke('Hi');
    const turns = script.calls.map((c) => c.options);
    expect(turns[0]).toMatchObject({ temperature: 0, maxTokens: 40, stopStrings: ['STOP'], topP: 0.9, topK: 5, seed: 7, minP: 0.1 });
    const overridden = await model.invoke('Hi', { generation: { temperature: 0.3, maxTokens: 2 } });
    expect(overridden.usage_metadata?.output_tokens).toBe(2);
    expect(overridden.response_metadata.finish_reason).toBe('length');
    expect(script.calls[1]?.options).toMatchObject({ temperature: 0.3, maxTokens: 2, topP: 0.9 });
    await model.invoke('Hi', { stop: ['END'] });
    expect(script.calls[2]?.options.stopStrings).toEqual(['END']);
  });

  it('rejects out-of-range constructor sampling with INVALID_ARGUMENT naming the field', () => {
    expect(() => onModel({ temperature: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('"temperature"') }));
    expect(() => onModel({ maxTokens: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('"maxTokens"') }));
    expect(() => onModel({ skill: 'ghost' })).toThrow(expect.objectContaining({ code: 'SKILL_NOT_FOUND' }));
    expect(() => new PlugboardChatModel({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('backend') }));
  });

  it('reports LangSmith params and hands them to callbacks as run metadata', async () => {
    const { model } = scripted(['ok.'], { modelName: 'tiny-qwen', temperature: 0, maxTokens: 100, stopSequences: ['</answer>'] });
    expect(model.getLsParams({} as never)).toEqual({ ls_provider: 'plugboard', ls_model_name: 'tiny-qwen', ls_model_type: 'chat', ls_temperature: 0, ls_max_tokens: 100, ls_stop: ['</answer>'], plugboard_skill: null });
    expect(model.getLsParams({ skill: 'writer', generation: { temperature: 0.5 }, stop: ['x'] } as never)).toMatchObject({ ls_model_name: 'writer', plugboard_skill: 'writer', ls_temperature: 0.5, ls_stop: ['x'] });
    // unset parameters report the values sampling actually uses
    expect(onModel().getLsParams({} as never)).toMatchObject({ ls_temperature: 0.7, ls_max_tokens: 256, ls_stop: [] });
    const seen: Record<string, unknown>[] = [];
    await model.invoke('Hi', { callbacks: [{ handleChatModelStart: (_llm, _messages, _runId, _parent, _extra, _tags, metadata) => void seen.push(metadata ?? {}) }] });
    expect(seen[0]).toMatchObject({ ls_provider: 'plugboard', ls_model_name: 'tiny-qwen', ls_model_type: 'chat', ls_temperature: 0, ls_max_tokens: 100 });
  });

  it('calls handleLLMNewToken per streamed piece and handleLLMEnd with token usage', async () => {
    const { model } = scripted(['Streaming, token by token.', 'Streaming, token by token.']);
    for (const run of ['invoke', 'stream'] as const) {
      const tokens: string[] = [];
      const ends: LLMResult[] = [];
      const callbacks = [{ handleLLMNewToken: (token: string) => void tokens.push(token), handleLLMEnd: (output: LLMResult) => void ends.push(output) }];
      const reply = run === 'invoke' ? await model.invoke('Hi', { callbacks }) : (await streamed(await model.stream('Hi', { callbacks }))).reduce((a, b) => a.concat(b));
      expect(tokens.length).toBeGreaterThan(3);
      expect(tokens.join('')).toBe('Streaming, token by token.');
      const usage = reply.usage_metadata;
      expect(ends).toHaveLength(1);
      expect(ends[0]?.llmOutput?.tokenUsage).toEqual({ promptTokens: usage?.input_tokens, completionTokens: usage?.output_tokens, totalTokens: usage?.total_tokens });
    }
  });

  it('rejects with an abort when the signal fires mid-stream, and the model stays usable', async () => {
    const { model, script } = scripted(['one two three four five six seven eight nine ten', 'Still here.']);
    const controller = new AbortController();
    const seen: string[] = [];
    const read = async () => {
      for await (const chunk of await model.stream('Count', { signal: controller.signal })) {
        seen.push(chunk.text);
        if (seen.length === 2) controller.abort();
      }
    };
    await expect(read()).rejects.toThrow(/abort/i);
    expect(seen).toHaveLength(2);
    const again = await model.invoke('Hello');
    expect(again.text).toBe('Still here.');
    expect(script.turnsLeft).toBe(0);
    // invoke too: aborted from a token callback while generating
    const { model: other, script: otherScript } = scripted(['one two three four five six seven eight nine ten', 'Again.']);
    const during = new AbortController();
    const callbacks = [{ handleLLMNewToken: () => during.abort() }];
    await expect(other.invoke('Count', { signal: during.signal, callbacks })).rejects.toMatchObject({ code: 'ABORTED' });
    expect((await other.invoke('Hello')).text).toBe('Again.');
    expect(otherScript.turnsLeft).toBe(0);
    const aborted = new AbortController();
    aborted.abort();
    await expect(model.invoke('Hello', { signal: aborted.signal })).rejects.toThrow(/abort/i);
  });

  it('with outputVersion v1 stores standard content blocks and keeps the tool calls', async () => {
    const { model: v1 } = scripted([`Checking. ${CALL}`], { outputVersion: 'v1' });
    const reply = await v1.bindTools([weather]).invoke('Weather in Oslo?');
    expect(reply.content).toMatchObject([{ type: 'text', text: 'Checking.' }]);
    expect(reply.text).toBe('Checking.');
    expect(reply.tool_calls).toMatchObject([{ name: 'get_weather', args: { city: 'Oslo' } }]);
  });

  it('names its type, and serializes its settings without the backend', () => {
    const model = onModel({ modelName: 'tiny-qwen', temperature: 0, maxTokens: 12, skill: 'writer' });
    expect(model._llmType()).toBe('plugboard');
    expect(model.lc_serializable).toBe(true);
    const json = model.toJSON();
    expect(json).toMatchObject({ lc: 1, type: 'constructor', id: expect.arrayContaining(['PlugboardChatModel']), kwargs: { model_name: 'tiny-qwen', temperature: 0, max_tokens: 12, skill: 'writer' } });
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/backend|session|tokenizer|registry|bank/);
    expect(() => JSON.stringify(model.bindTools([weather]).toJSON())).not.toThrow();
  });

  it('streamEvents (v2) brackets the streamed chunks with start and end, and the end holds their merge', async () => {
    const { model } = scripted(['Events in order.']);
    const events: { event: string; data: { chunk?: AIMessageChunk; output?: AIMessageChunk } }[] = [];
    for await (const event of model.streamEvents('Hello', { version: 'v2' })) events.push(event);
    expect(events[0]?.event).toBe('on_chat_model_start');
    expect(events.at(-1)?.event).toBe('on_chat_model_end');
    const streamedText = events.filter((e) => e.event === 'on_chat_model_stream').map((e) => e.data.chunk?.text ?? '');
    expect(streamedText.length).toBeGreaterThan(1);
    expect(streamedText.join('')).toBe('Events in order.');
    expect(events.at(-1)?.data.output?.text).toBe('Events in order.');
  });

  it('works with a LangChain cache: the second identical call is served without generating', async () => {
    const { model, script } = scripted(['Cached answer.'], { cache: new InMemoryCache() });
    const first = await model.invoke([new HumanMessage({ content: [{ type: 'text', text: 'Hello there!' }] })]);
    const second = await model.invoke([new HumanMessage({ content: [{ type: 'text', text: 'Hello there!' }] })]);
    expect([first.text, second.text]).toEqual(['Cached answer.', 'Cached answer.']);
    expect(script.calls).toHaveLength(1);
    // another model (other settings) sharing the cache gets no reply cached for this one
    const shared = new InMemoryCache();
    const { model: cold, script: coldScript } = scripted(['Cold.'], { cache: shared, temperature: 0 });
    const { model: warm, script: warmScript } = scripted(['Warm.'], { cache: shared, temperature: 1 });
    expect([(await cold.invoke('Same prompt')).text, (await warm.invoke('Same prompt')).text]).toEqual(['Cold.', 'Warm.']);
    expect([coldScript.calls.length, warmScript.calls.length]).toEqual([1, 1]);
  });

  it('counts tokens with the model tokenizer', async () => {
    const model = onModel();
    const expected = handle.fixture.model.tokenizer.encode('rennet curdles milk', { addSpecialTokens: false }).length;
    expect(await model.getNumTokens('rennet curdles milk')).toBe(expected);
    expect(await model.getNumTokens([{ type: 'text', text: 'rennet curdles milk' }])).toBe(expected);
  });
});
