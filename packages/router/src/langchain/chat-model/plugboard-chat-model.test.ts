import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import type { AIMessageChunk } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ScriptedGeneration } from '../../testing/scripted-generation.ts';
import { PlugboardEmbeddings } from '../embeddings/plugboard-embeddings.ts';
import { PlugboardChatModel } from './plugboard-chat-model.ts';
import { useAgentFixture } from '../../agent/testing/use-agent-fixture.ts';

const handle = useAgentFixture('chat-model');

const weather = tool(({ city }) => `sunny in ${city}`, { name: 'get_weather', description: 'Weather of a city.', schema: z.object({ city: z.string() }) });
const CALL = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n</tool_call>';

describe('PlugboardChatModel', () => {
  it('renders bound tools into the prompt and parses <tool_call> output into tool_calls', async () => {
    const prefills: string[] = [];
    const script = new ScriptedGeneration(handle.fixture.model, [
      ({ prefilledText }) => {
        prefills.push(prefilledText);
        return `Let me check. ${CALL}`;
      },
    ]);
    const model = new PlugboardChatModel({ runtime: script.host }).bindTools([weather]);
    const reply = await model.invoke([new HumanMessage('Weather in Oslo?')]);
    expect(prefills[0]).toContain('"name": "get_weather"');
    expect(reply.text).toBe('Let me check.');
    expect(reply.tool_calls).toMatchObject([{ name: 'get_weather', args: { city: 'Oslo' }, type: 'tool_call' }]);
    expect(reply.response_metadata).toMatchObject({ finish_reason: 'stop' });
    expect(reply.usage_metadata?.output_tokens).toBeGreaterThan(0);
  });

  it('streams visible text and delivers the tool calls whole in the last chunk', async () => {
    const script = new ScriptedGeneration(handle.fixture.model, [`Checking. ${CALL}`]);
    const model = new PlugboardChatModel({ runtime: script.host }).bindTools([weather]);
    const chunks: AIMessageChunk[] = [];
    for await (const chunk of await model.stream([new HumanMessage('Weather in Oslo?')])) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.slice(0, -1).every((c) => !c.text.includes('<tool_call>') && (c.tool_call_chunks ?? []).length === 0)).toBe(true);
    const whole = chunks.reduce((a, b) => a.concat(b));
    expect(whole.text.trim()).toBe('Checking.');
    expect(whole.tool_calls).toMatchObject([{ name: 'get_weather', args: { city: 'Oslo' } }]);
  });

  it('reports malformed tool calls as invalid_tool_calls', async () => {
    const script = new ScriptedGeneration(handle.fixture.model, ['<tool_call>{"name": "get_weather", "arguments": </tool_call>']);
    const reply = await new PlugboardChatModel({ runtime: script.host }).invoke([new HumanMessage('Weather?')]);
    expect(reply.tool_calls).toEqual([]);
    expect(reply.invalid_tool_calls).toMatchObject([{ type: 'invalid_tool_call' }]);
    expect(reply.invalid_tool_calls?.[0]?.error).toContain('not valid JSON');
  });

  it('prefills only the new turns when the next call extends the previous transcript', async () => {
    const script = new ScriptedGeneration(handle.fixture.model, [CALL, 'It is sunny in Oslo.']);
    const prefilled: number[] = [];
    handle.fixture.model.events.on('generate:start', (e) => prefilled.push(e.promptTokens[0] as number));
    const model = new PlugboardChatModel({ runtime: script.host }).bindTools([weather]);
    const question = new HumanMessage('Weather in Oslo?');
    const first = await model.invoke([question]);
    const call = first.tool_calls?.[0];
    const answer = await model.invoke([question, first, new ToolMessage({ content: 'sunny in Oslo', tool_call_id: call?.id ?? '', name: 'get_weather' })]);
    expect(answer.text).toBe('It is sunny in Oslo.');
    const fresh = new ScriptedGeneration(handle.fixture.model, ['It is sunny in Oslo.']);
    await new PlugboardChatModel({ runtime: fresh.host }).bindTools([weather]).invoke([question, new AIMessage(first), new ToolMessage({ content: 'sunny in Oslo', tool_call_id: call?.id ?? '', name: 'get_weather' })]);
    handle.fixture.model.events.removeAllListeners('generate:start');
    // the second call prefilled the tool turn only; a fresh model prefills the whole transcript
    expect(prefilled[1]).toBeLessThan((prefilled[0] as number) / 2);
    expect(prefilled[2]).toBeGreaterThan(prefilled[0] as number);
  });
});

describe('PlugboardEmbeddings', () => {
  it('embeds documents and queries with model.embed (unit vectors, the same text the same vector)', async () => {
    const embeddings = new PlugboardEmbeddings({ model: handle.fixture.model, batchSize: 2 });
    const docs = await embeddings.embedDocuments(['rennet curdles milk', 'black holes', 'rennet curdles milk']);
    expect(docs).toHaveLength(3);
    expect(docs[0]).toHaveLength(handle.fixture.model.config.hiddenSize);
    expect(Math.hypot(...(docs[1] as number[]))).toBeCloseTo(1, 5);
    expect(docs[2]).toEqual(docs[0]);
    expect(await embeddings.embedQuery('black holes')).toEqual(docs[1]);
    expect(() => new PlugboardEmbeddings({ model: handle.fixture.model, batchSize: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
