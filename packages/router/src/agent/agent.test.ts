import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSearchDocsTool } from '@plugboard/skills';
import { RulesRouter } from '../routing/rules/rules-router.ts';
import { createAgent } from './agent.ts';
import type { AgentEvent } from './events/agent-events.ts';
import { ScriptedGeneration } from './scripted/scripted-generation.ts';
import { pinnedAdapters, RESEARCH_PROMPT, WRITER_PROMPT } from './testing/agent-fixture.ts';
import { firstSource, searchCall } from './testing/doc-fixture.ts';
import { useAgentFixture } from './testing/use-agent-fixture.ts';

const handle = useAgentFixture('agent', { docs: true });

/** Research for questions about the docs; tool results (search_docs JSON) go to the writer. */
async function skillRouter(): Promise<RulesRouter> {
  const router = new RulesRouter([{ pattern: /"results"/, route: 'writer', priority: 1 }]);
  await router.fit(handle.fixture.registry.routes());
  return router;
}

describe('createAgent: a multi-step run', () => {
  it('routes each step to its skill, swaps adapters, calls the RAG tool and answers from its result', async () => {
    const script = new ScriptedGeneration(handle.fixture.model, [
      searchCall('rennet milk cheese'),
      ({ prefilledText }) => `According to ${firstSource(prefilledText) ?? 'nothing'}, rennet curdles milk.`,
    ]);
    const tracePath = join(handle.tmp, 'traces', 'run.jsonl');
    const agent = createAgent({
      model: script.host,
      skills: handle.fixture.registry,
      router: await skillRouter(),
      bank: handle.fixture.bank,
      tools: [createSearchDocsTool(handle.index)],
      generation: { temperature: 0 },
      tracePath,
    });
    const emitted: string[] = [];
    agent.events.on('route', (e) => emitted.push(`route:${e.skill}`));
    const run = agent.run('What do the docs say about rennet?');
    const yielded: AgentEvent[] = [];
    for await (const event of run) yielded.push(event);
    const result = await run.result;

    expect(result.answer).toBe('According to food/cheese.md, rennet curdles milk.');
    expect(result.reason).toBe('answer');
    expect(script.turnsLeft).toBe(0);

    const of = <T extends AgentEvent['type']>(type: T) => yielded.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);
    expect(of('route').map((e) => e.skill)).toEqual(['research', 'writer']);
    expect(emitted).toEqual(['route:research', 'route:writer']);
    expect(of('adapter:swap').map((e) => [e.step, e.fromSkill, e.toSkill])).toEqual([
      [0, null, 'research'],
      [1, 'research', 'writer'],
    ]);
    expect(of('tool:call')).toMatchObject([{ step: 0, name: 'search_docs', args: { query: 'rennet milk cheese', k: 1 } }]);
    const [toolResult] = of('tool:result');
    expect(toolResult).toMatchObject({ ok: true, name: 'search_docs' });
    expect(toolResult?.content).toContain('food/cheese.md');
    expect(of('error')).toEqual([]);
    expect(of('done')).toMatchObject([{ answer: result.answer, steps: 2, reason: 'answer' }]);
    // tokens stream between the swap and the end of each step
    const types = yielded.map((e) => e.type).filter((t, i, all) => t !== 'token' || all[i - 1] !== 'token');
    expect(types).toEqual(['step:start', 'route', 'adapter:swap', 'token', 'tool:call', 'tool:result', 'step:end', 'step:start', 'route', 'adapter:swap', 'token', 'step:end', 'done']);
    expect(of('token').map((e) => e.text).join('')).toBe(result.steps.map((s) => s.text).join(''));

    // each skill's instructions entered the transcript where it took over
    expect(result.messages.filter((m) => m.role === 'system').map((m) => m.content)).toEqual([RESEARCH_PROMPT, WRITER_PROMPT]);
    expect(result.messages.map((m) => m.role)).toEqual(['user', 'system', 'assistant', 'tool', 'system', 'assistant']);
    expect(result.messages[3]).toMatchObject({ name: 'search_docs', tool_call_id: 'call_0_0', content: toolResult?.content });
    expect(pinnedAdapters(handle.fixture.bank)).toEqual([]);

    const lines = readFileSync(tracePath, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string });
    expect(lines.map((l) => l.type)).toEqual(yielded.filter((e) => e.type !== 'token').map((e) => e.type));
    expect(result.trace).toHaveLength(lines.length);
  });

  it('stops at maxSteps when the model keeps calling tools', async () => {
    const script = new ScriptedGeneration(handle.fixture.model, [searchCall('cheese'), searchCall('milk')]);
    const agent = createAgent({ model: script.host, skills: handle.fixture.registry, router: await skillRouter(), bank: handle.fixture.bank, tools: [createSearchDocsTool(handle.index)], maxSteps: 2 });
    const result = await agent.run('Search the docs for cheese').result;
    expect(result.reason).toBe('max-steps');
    expect(result.steps).toHaveLength(2);
    expect(result.steps.every((s) => s.toolCalls.length === 1)).toBe(true);
    expect(pinnedAdapters(handle.fixture.bank)).toEqual([]);
  });

  it('rejects bad options with INVALID_ARGUMENT', async () => {
    const router = await skillRouter();
    expect(() => createAgent({ model: handle.fixture.model, skills: handle.fixture.registry, router, bank: handle.fixture.bank, maxSteps: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('maxSteps') }),
    );
    const tool = createSearchDocsTool(handle.index);
    expect(() => createAgent({ model: handle.fixture.model, skills: handle.fixture.registry, router, bank: handle.fixture.bank, tools: [tool, tool] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
