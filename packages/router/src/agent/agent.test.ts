import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSearchDocsTool } from '@plugboard/skills';
import { scriptedBackend } from '../testing/scripted-backend.ts';
import { observeFeeds } from '../testing/observe-feeds.ts';
import { createAgent } from './agent.ts';
import type { AgentEvent } from './events/agent-events.ts';
import { keywordRouter, pinnedAdapters, slotOf as slotIn, RESEARCH_PROMPT, WRITER_PROMPT } from './testing/agent-fixture.ts';
import { rennetTurns, searchCall } from './testing/doc-fixture.ts';
import { useAgentFixture } from './testing/use-agent-fixture.ts';

const handle = useAgentFixture('agent', { docs: true });

const skillRouter = () => keywordRouter(handle.fixture.registry);
const slotOf = (name: string) => slotIn(handle.fixture.bank, name);

describe('createAgent: a multi-step run', () => {
  it('routes the task to its skill, stays on it after the tool result, calls the RAG tool and answers from its result', async () => {
    const { backend, script } = scriptedBackend({ ...handle.fixture, skills: handle.fixture.registry }, rennetTurns());
    const tracePath = join(handle.tmp, 'traces', 'run.jsonl');
    const agent = createAgent({ backend, skills: handle.fixture.registry, router: await skillRouter(), tools: [createSearchDocsTool(handle.index)], generation: { temperature: 0 }, tracePath });
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
    expect(of('route').map((e) => [e.skill, e.reason])).toEqual([
      ['research', 'routed'],
      ['research', 'sticky'],
    ]);
    expect(emitted).toEqual(['route:research', 'route:research']);
    expect(of('adapter:swap').map((e) => [e.step, e.fromSkill, e.toSkill])).toEqual([[0, null, 'research']]);
    // both generations ran on the research skill's slot, with the step's sampling
    expect(script.calls.map((c) => c.options.adapter?.slot)).toEqual([slotOf('research'), slotOf('research')]);
    expect(script.calls.every((c) => c.options.temperature === 0 && c.options.mode === 'activated')).toBe(true);
    expect(of('tool:call')).toMatchObject([{ step: 0, name: 'search_docs', args: { query: 'rennet milk cheese', k: 1 } }]);
    const [toolResult] = of('tool:result');
    expect(toolResult).toMatchObject({ ok: true, name: 'search_docs' });
    expect(toolResult?.content).toContain('food/cheese.md');
    expect(of('error')).toEqual([]);
    expect(of('done')).toMatchObject([{ answer: result.answer, steps: 2, reason: 'answer' }]);
    const types = yielded.map((e) => e.type).filter((t, i, all) => t !== 'token' || all[i - 1] !== 'token');
    expect(types).toEqual(['step:start', 'route', 'adapter:swap', 'tool:call', 'tool:result', 'step:end', 'step:start', 'route', 'token', 'step:end', 'done']);
    expect(of('token').map((e) => e.text).join('')).toBe(result.answer);

    // the skill's instructions entered once, where it took over; the second prompt extends the first
    expect(result.messages.map((m) => m.role)).toEqual(['user', 'system', 'assistant', 'tool', 'assistant']);
    expect(result.messages[1]?.content).toBe(RESEARCH_PROMPT);
    expect(result.messages[3]).toMatchObject({ name: 'search_docs', tool_call_id: 'call_0_0', content: toolResult?.content });
    expect(script.calls[1]?.prompt.startsWith(script.calls[0]?.prompt ?? '-')).toBe(true);
    expect(pinnedAdapters(handle.fixture.bank)).toEqual([]);

    const lines = readFileSync(tracePath, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string });
    expect(lines.map((l) => l.type)).toEqual(yielded.filter((e) => e.type !== 'token').map((e) => e.type));
    expect(result.trace).toHaveLength(lines.length);
  });

  it('stops at maxSteps when the model keeps calling tools', async () => {
    const { backend } = scriptedBackend({ ...handle.fixture, skills: handle.fixture.registry }, [searchCall('cheese'), searchCall('milk')]);
    const agent = createAgent({ backend, skills: handle.fixture.registry, router: await skillRouter(), tools: [createSearchDocsTool(handle.index)], maxSteps: 2 });
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

describe('createAgent on the real model (LocalBackend over the runtime)', () => {
  it('feeds every model run the routed skill slot, and a switch behind an unchanged prefix (base → skill, skill A → skill B) prefills only the new part', async () => {
    const { runtime, runs } = observeFeeds(handle.fixture.model);
    const router = await skillRouter();
    const agent = createAgent({ model: runtime, bank: handle.fixture.bank, skills: handle.fixture.registry, router, generation: { temperature: 0, maxTokens: 3 } });
    const prefilled: number[] = [];
    handle.fixture.model.events.on('generate:start', (e) => prefilled.push(e.promptTokens[0] as number));
    // turn 1: small talk, no skill (base model); turn 2: the research skill takes over behind the same transcript
    const first = await agent.run('Good morning!').result;
    const runsOfFirst = runs.length;
    const second = await agent.run([...first.messages, { role: 'user', content: 'What do the docs say about rennet?' }]).result;
    const runsOfSecond = runs.length;

    expect(first.steps.map((s) => [s.skill, s.route.reason])).toEqual([[null, 'fallback']]);
    expect(second.steps.map((s) => [s.skill, s.route.reason])).toEqual([['research', 'routed']]);
    expect(runs.slice(0, runsOfFirst).every((r) => r.adapterIndex.length === 1 && r.adapterIndex[0] === 0)).toBe(true);
    expect(runs.slice(runsOfFirst).every((r) => r.adapterIndex.length === 1 && r.adapterIndex[0] === slotOf('research'))).toBe(true);
    expect(runs.length - runsOfFirst).toBe(3); // one prefill and two decode steps

    // the second turn reused the whole first turn from the cache and prefilled only the new messages
    const template = handle.fixture.model.chatTemplate();
    const firstPrompt = template.render({ messages: first.messages.slice(0, 1), addGenerationPrompt: true });
    const secondPrompt = template.render({ messages: second.messages.slice(0, -1), addGenerationPrompt: true });
    const encode = (text: string) => handle.fixture.model.tokenizer.encode(text, { addSpecialTokens: false });
    const secondTail = encode(secondPrompt.slice(firstPrompt.length + first.steps[0]!.text.length)).length;
    expect(prefilled[0]).toBe(encode(firstPrompt).length);
    // + the first reply's last token, generated but not yet in the cache
    expect(prefilled[1]).toBe(secondTail + 1);
    // everything of the first prompt came from the cache
    expect(encode(secondPrompt).length - (prefilled[1] as number)).toBeGreaterThanOrEqual(prefilled[0] as number);
    expect(second.steps[0]?.usage).toMatchObject({ cachedTokens: (prefilled[0] as number) + (first.steps[0]?.usage.completionTokens ?? 0) - 1, promptTokens: (second.steps[0]?.usage.cachedTokens ?? 0) + (prefilled[1] as number) });
    expect(secondPrompt).toContain(RESEARCH_PROMPT);
    expect(secondPrompt).not.toContain(WRITER_PROMPT);

    // research → writer: the writer's step reuses everything before its own new tokens, research's span included
    // (activated mode: research's KV is history for the writer) and prefills only the new user turn and the writer's system prompt
    const third = await agent.run([...second.messages, { role: 'user', content: 'write a summary of these results' }]).result;
    handle.fixture.model.events.removeAllListeners('generate:start');
    expect(third.steps.map((s) => s.skill)).toEqual(['writer']);
    expect(runs.slice(runsOfSecond).every((r) => r.adapterIndex.length === 1 && r.adapterIndex[0] === slotOf('writer'))).toBe(true);
    const thirdPrompt = template.render({ messages: third.messages.slice(0, -1), addGenerationPrompt: true });
    // the reply as generated (the step's text is trimmed)
    const secondReply = second.messages.at(-1)?.content ?? '';
    expect(secondReply).not.toBe('');
    const afterSecondReply = secondPrompt.length + secondReply.length;
    expect(thirdPrompt.slice(0, afterSecondReply)).toBe(secondPrompt + secondReply);
    const thirdTail = thirdPrompt.slice(afterSecondReply);
    expect(thirdTail).toContain(WRITER_PROMPT);
    expect(thirdTail).not.toContain(RESEARCH_PROMPT);
    // + the research reply's last token, generated but not yet in the cache
    expect(prefilled[2]).toBe(encode(thirdTail).length + 1);
    expect(third.steps[0]?.usage.cachedTokens).toBe((second.steps[0]?.usage.promptTokens ?? 0) + (second.steps[0]?.usage.completionTokens ?? 0) - 1);
    expect(pinnedAdapters(handle.fixture.bank)).toEqual([]);
  });
});
