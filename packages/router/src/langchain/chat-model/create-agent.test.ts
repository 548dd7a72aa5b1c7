import { tool } from '@langchain/core/tools';
import { createAgent, createMiddleware, providerStrategy, toolStrategy } from 'langchain';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { useAgentFixture } from '../../agent/testing/use-agent-fixture.ts';
import { scriptedBackend } from '../../testing/scripted-backend.ts';
import type { ScriptedTurn } from '../../testing/scripted-token-source.ts';
import { PlugboardChatModel } from './plugboard-chat-model.ts';

const handle = useAgentFixture('create-agent');

function scripted(turns: ScriptedTurn[], fields: { modelName?: string; temperature?: number } = {}) {
  const { backend, script } = scriptedBackend({ ...handle.fixture, skills: handle.fixture.registry }, turns);
  return { script, model: new PlugboardChatModel({ backend, skills: handle.fixture.registry, ...fields }) };
}

const Person = z.object({ name: z.string(), age: z.number().int() }).describe('A person.');
const ANN = { name: 'Ann', age: 3 };
const weather = tool(({ city }) => `sunny in ${city}`, { name: 'get_weather', description: 'Weather of a city.', schema: z.object({ city: z.string() }) });

describe('createAgent from langchain over PlugboardChatModel', () => {
  it('returns a structuredResponse with toolStrategy: the structured tool is forced ("any") and constrained', async () => {
    const { model, script } = scripted(
      // langchain names the structured-output tool itself (extract-N): answer with the name it offered
      [({ prompt }) => `<tool_call>\n${JSON.stringify({ name: /"name": "(extract-\d+)"/.exec(prompt)?.[1], arguments: ANN })}\n</tool_call>`],
      { temperature: 0 },
    );
    const agent = createAgent({ model, tools: [weather], responseFormat: toolStrategy(Person) });
    const state = await agent.invoke({ messages: [{ role: 'user', content: 'Ann is three.' }] });
    expect(state.structuredResponse).toEqual(ANN);
    expect(script.calls[0]?.options.constraint).toMatchObject({ type: 'tool_calls', toolChoice: 'required', tools: [{ name: 'get_weather' }, { name: expect.stringMatching(/^extract-\d+$/) }] });
  });

  it('returns a structuredResponse with providerStrategy: the OpenAI-style response_format becomes a json_schema constraint', async () => {
    const { model, script } = scripted([JSON.stringify(ANN)], { temperature: 0 });
    const agent = createAgent({ model, tools: [], responseFormat: providerStrategy(Person) });
    const state = await agent.invoke({ messages: [{ role: 'user', content: 'Ann is three.' }] });
    expect(state.structuredResponse).toEqual(ANN);
    expect(script.calls[0]?.prompt).toContain('matches this JSON Schema');
    expect(script.calls[0]?.options.constraint).toMatchObject({ type: 'json_schema', schema: { type: 'object', properties: { name: { type: 'string' } } } });
  });

  it('shows the skill a middleware names in modelSettings as the traced model name of that call', async () => {
    const { model } = scripted(['Sunny.'], { modelName: 'tiny-qwen' });
    // what skillRouterMiddleware does per call, reduced to the call option the trace reads
    const namesSkill = createMiddleware({ name: 'NamesSkill', wrapModelCall: (request, handler) => handler({ ...request, modelSettings: { ...request.modelSettings, skill: 'writer' } }) });
    const agent = createAgent({ model, tools: [], middleware: [namesSkill] });
    const traced: Record<string, unknown>[] = [];
    const callbacks = [{ handleChatModelStart: (...args: unknown[]) => void traced.push((args[6] as Record<string, unknown> | undefined) ?? {}) }];
    const state = await agent.invoke({ messages: [{ role: 'user', content: 'Weather?' }] }, { callbacks });
    expect(state.messages.at(-1)?.text).toBe('Sunny.');
    expect(traced).toHaveLength(1);
    expect(traced[0]).toMatchObject({ ls_provider: 'plugboard', ls_model_name: 'writer', plugboard_skill: 'writer' });
    expect(state.messages.at(-1)?.response_metadata).toMatchObject({ model_name: 'writer', skill: 'writer' });
  });
});
