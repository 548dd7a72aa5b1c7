import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateText, isStepCount, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RulesRouter } from '@plugboard/router';
import type { AgentFixture } from '@plugboard/router/testing';
import { loadAgentFixture, pinnedAdapters, scriptedBackend } from '@plugboard/router/testing';
import { createPlugboard } from './create-plugboard.ts';

const tmp = mkdtempSync(join(tmpdir(), 'plugboard-ai-sdk-'));
let fixture: AgentFixture;
beforeAll(async () => {
  fixture = await loadAgentFixture(tmp);
});
afterAll(async () => {
  await fixture.model.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const CALL = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n</tool_call>';
let executed: string[] = [];
const tools = {
  get_weather: tool({
    description: 'Weather of a city.',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      executed.push(city);
      return `sunny in ${city}`;
    },
  }),
};

async function provider() {
  const router = new RulesRouter();
  await router.fit(fixture.registry.routes());
  const { backend, script } = scriptedBackend({ ...fixture, skills: fixture.registry }, [CALL, ({ prompt }) => (prompt.includes('sunny in Oslo') ? 'It is sunny in Oslo.' : 'no result')]);
  return { plugboard: createPlugboard({ backend, skills: fixture.registry, router }), script };
}

const slotOf = (name: string) => fixture.bank.list().find((h) => h.name === name)?.slot;

describe('@plugboard/ai-sdk: a LanguageModelV4 over routedStep', () => {
  it('generateText routes to a skill, calls a zod tool, and answers from its result on the same skill', async () => {
    executed = [];
    const { plugboard, script } = await provider();
    const result = await generateText({ model: plugboard('auto'), tools, stopWhen: isStepCount(3), prompt: 'What do the docs say about the weather in Oslo?' });
    expect(result.text).toBe('It is sunny in Oslo.');
    expect(executed).toEqual(['Oslo']);
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.toolCalls).toMatchObject([{ toolName: 'get_weather', input: { city: 'Oslo' } }]);
    expect(result.steps[0]?.finishReason).toBe('tool-calls');
    expect(result.steps.map((s) => s.providerMetadata?.plugboard?.skill)).toEqual(['research', 'research']);
    expect(result.steps.map((s) => s.providerMetadata?.plugboard?.reason)).toEqual(['routed', 'sticky']);
    expect(script.calls.map((c) => c.options.adapter?.slot)).toEqual([slotOf('research'), slotOf('research')]);
    // the second call's prompt extends the first: the raw reply and the skill prompt came back through the AI SDK messages
    expect(script.calls[1]?.prompt.startsWith(script.calls[0]?.prompt ?? '-')).toBe(true);
    expect(script.calls[0]?.prompt).toContain('"name": "get_weather"');
    expect(pinnedAdapters(fixture.bank)).toEqual([]);
  });

  it('streamText streams the answer and runs the tool between steps', async () => {
    executed = [];
    const { plugboard } = await provider();
    const result = streamText({ model: plugboard('auto'), tools, stopWhen: isStepCount(3), prompt: 'What do the docs say about the weather in Oslo?' });
    const chunks: string[] = [];
    for await (const chunk of result.textStream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe('It is sunny in Oslo.');
    expect(await result.text).toBe('It is sunny in Oslo.');
    expect(executed).toEqual(['Oslo']);
    const steps = await result.steps;
    expect(steps[0]?.toolCalls).toMatchObject([{ toolName: 'get_weather', input: { city: 'Oslo' } }]);
    expect((await result.usage).inputTokens).toBeGreaterThan(0);
  });

  it('a skill name as model id pins the skill; an unknown one is SKILL_NOT_FOUND', async () => {
    const { plugboard, script } = await provider();
    const result = await generateText({ model: plugboard('writer'), prompt: 'hello', tools });
    expect(result.providerMetadata?.plugboard).toMatchObject({ skill: 'writer', reason: 'pinned' });
    expect(script.calls[0]?.options.adapter?.slot).toBe(slotOf('writer'));
    expect(() => plugboard('ghost')).toThrow(expect.objectContaining({ code: 'SKILL_NOT_FOUND', message: expect.stringContaining('research, writer') }));
  });
});
