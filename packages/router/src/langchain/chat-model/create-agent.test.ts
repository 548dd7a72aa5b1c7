import { tool } from '@langchain/core/tools';
import { createAgent, createMiddleware, providerStrategy, toolStrategy } from 'langchain';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ScriptedGeneration } from '../../testing/scripted-generation.ts';
import { useAgentFixture } from '../../agent/testing/use-agent-fixture.ts';
import { spyOnTurnOptions } from '../testing/turn-options-spy.ts';
import { PlugboardChatModel } from './plugboard-chat-model.ts';

const handle = useAgentFixture('create-agent');

const Person = z.object({ name: z.string(), age: z.number().int() }).describe('A person.');
const ANN = { name: 'Ann', age: 3 };
const weather = tool(({ city }) => `sunny in ${city}`, { name: 'get_weather', description: 'Weather of a city.', schema: z.object({ city: z.string() }) });

describe('createAgent from langchain over PlugboardChatModel', () => {
  it('returns a structuredResponse with toolStrategy: the structured tool is forced ("any") and constrained', async () => {
    const spy = spyOnTurnOptions('accept');
    const script = new ScriptedGeneration(handle.fixture.model, [
      // langchain names the structured-output tool itself (extract-N): answer with the name it offered
      ({ prefilledText }) => `<tool_call>\n${JSON.stringify({ name: /"name": "(extract-\d+)"/.exec(prefilledText)?.[1], arguments: ANN })}\n</tool_call>`,
    ]);
    const agent = createAgent({ model: new PlugboardChatModel({ runtime: script.host, temperature: 0 }), tools: [weather], responseFormat: toolStrategy(Person) });
    const state = await agent.invoke({ messages: [{ role: 'user', content: 'Ann is three.' }] });
    expect(state.structuredResponse).toEqual(ANN);
    expect(spy.turns[0]?.constraint).toMatchObject({ type: 'tool_calls', toolChoice: 'required', tools: [{ name: 'get_weather' }, { name: expect.stringMatching(/^extract-\d+$/) }] });
  });

  it('returns a structuredResponse with providerStrategy: the OpenAI-style response_format becomes a json_schema constraint', async () => {
    const spy = spyOnTurnOptions('accept');
    const prefills: string[] = [];
    const script = new ScriptedGeneration(handle.fixture.model, [
      ({ prefilledText }) => {
        prefills.push(prefilledText);
        return JSON.stringify(ANN);
      },
    ]);
    const agent = createAgent({ model: new PlugboardChatModel({ runtime: script.host, temperature: 0 }), tools: [], responseFormat: providerStrategy(Person) });
    const state = await agent.invoke({ messages: [{ role: 'user', content: 'Ann is three.' }] });
    expect(state.structuredResponse).toEqual(ANN);
    expect(prefills[0]).toContain('matches this JSON Schema');
    expect(spy.turns[0]?.constraint).toMatchObject({ type: 'json_schema', schema: { type: 'object', properties: { name: { type: 'string' } } } });
  });

  it('shows the skill a middleware names in modelSettings as the traced model name of that call', async () => {
    const script = new ScriptedGeneration(handle.fixture.model, ['Sunny.']);
    // what skillRouterMiddleware does per call, reduced to the call option the trace reads
    const namesSkill = createMiddleware({ name: 'NamesSkill', wrapModelCall: (request, handler) => handler({ ...request, modelSettings: { ...request.modelSettings, skill: 'writer' } }) });
    const agent = createAgent({ model: new PlugboardChatModel({ runtime: script.host, modelName: 'tiny-qwen' }), tools: [], middleware: [namesSkill] });
    const traced: Record<string, unknown>[] = [];
    const callbacks = [{ handleChatModelStart: (...args: unknown[]) => void traced.push((args[6] as Record<string, unknown> | undefined) ?? {}) }];
    const state = await agent.invoke({ messages: [{ role: 'user', content: 'Weather?' }] }, { callbacks });
    expect(state.messages.at(-1)?.text).toBe('Sunny.');
    expect(traced).toHaveLength(1);
    expect(traced[0]).toMatchObject({ ls_provider: 'plugboard', ls_model_name: 'writer' });
    expect(state.messages.at(-1)?.response_metadata).toMatchObject({ model_name: 'writer', skill: 'writer' });
  });
});
