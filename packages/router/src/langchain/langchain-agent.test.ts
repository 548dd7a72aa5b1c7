import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import type { ChatGeneration, LLMResult } from '@langchain/core/outputs';
import { createAgent } from 'langchain';
import { describe, expect, it } from 'vitest';
import { createSearchDocsTool } from '@plugboard/skills';
import { keywordRouter, pinnedAdapters, slotOf as slotIn, RESEARCH_PROMPT, WRITER_PROMPT } from '../agent/testing/agent-fixture.ts';
import { rennetTurns } from '../agent/testing/doc-fixture.ts';
import { useAgentFixture } from '../agent/testing/use-agent-fixture.ts';
import { LocalBackend } from '../backend/local/local-backend.ts';
import { observeFeeds } from '../testing/observe-feeds.ts';
import { scriptedBackend } from '../testing/scripted-backend.ts';
import { PlugboardChatModel } from './chat-model/plugboard-chat-model.ts';
import { SkillRouterEventEmitter } from './middleware/skill-router-events.ts';
import { skillRouterMiddleware } from './middleware/skill-router-middleware.ts';

const handle = useAgentFixture('langchain-agent', { docs: true });

const skillRouter = () => keywordRouter(handle.fixture.registry);
const slotOf = (name: string) => slotIn(handle.fixture.bank, name);

describe('LangChain createAgent + skillRouterMiddleware (every model call is a routedStep)', () => {
  it('routes the task to a skill, stays on it after the tool result, and answers from the RAG tool result', async () => {
    const { backend, script } = scriptedBackend({ ...handle.fixture, skills: handle.fixture.registry }, rennetTurns());
    const events = new SkillRouterEventEmitter();
    const routes: [string | null, string][] = [];
    const swaps: [string | null, string | null][] = [];
    events.on('route', (e) => routes.push([e.skill, e.reason]));
    events.on('adapter:swap', (e) => swaps.push([e.fromSkill, e.toSkill]));

    const agent = createAgent({
      model: new PlugboardChatModel({ backend, skills: handle.fixture.registry }),
      tools: [createSearchDocsTool(handle.index)],
      middleware: [skillRouterMiddleware({ router: await skillRouter(), backend, skills: handle.fixture.registry, events })],
    });
    const state = await agent.invoke({ messages: [{ role: 'user', content: 'What do the docs say about rennet?' }] });

    const final = state.messages.at(-1);
    expect(AIMessage.isInstance(final)).toBe(true);
    expect(final?.text).toBe('According to food/cheese.md, rennet curdles milk.');
    const toolMessages = state.messages.filter((m) => ToolMessage.isInstance(m));
    expect(toolMessages).toHaveLength(1);
    expect(toolMessages[0]?.text).toContain('food/cheese.md');
    const call = state.messages.find((m) => AIMessage.isInstance(m) && (m.tool_calls?.length ?? 0) > 0);
    expect(call && AIMessage.isInstance(call) ? call.tool_calls : []).toMatchObject([{ name: 'search_docs', args: { query: 'rennet milk cheese', k: 1 } }]);

    expect(routes).toEqual([
      ['research', 'routed'],
      ['research', 'sticky'],
    ]);
    expect(swaps).toEqual([[null, 'research']]);
    expect(script.calls.map((c) => c.options.adapter?.slot)).toEqual([slotOf('research'), slotOf('research')]);
    // the skill's instructions entered once, where it took over, so the second prompt extends the first
    expect(script.calls[0]?.prompt).toContain(RESEARCH_PROMPT);
    expect(script.calls[1]?.prompt.split(RESEARCH_PROMPT)).toHaveLength(2);
    expect(script.calls[1]?.prompt.startsWith(script.calls[0]?.prompt ?? '-')).toBe(true);
    expect(script.turnsLeft).toBe(0);
    expect(pinnedAdapters(handle.fixture.bank)).toEqual([]);
  });

  it('runs each call through the handler on the routed skill, so LangChain callbacks trace the skill of every model call', async () => {
    const { backend, script } = scriptedBackend({ ...handle.fixture, skills: handle.fixture.registry }, ['Rennet curdles milk.', 'Summary: rennet curdles milk.']);
    const agent = createAgent({
      model: new PlugboardChatModel({ backend, skills: handle.fixture.registry }),
      tools: [],
      middleware: [skillRouterMiddleware({ router: await skillRouter(), backend, skills: handle.fixture.registry, routing: { sticky: false } })],
    });
    const started: Record<string, unknown>[] = [];
    const ended: Record<string, unknown>[] = [];
    const callbacks = [
      {
        handleChatModelStart: (_llm: unknown, _messages: unknown, _runId: string, _parent?: string, _extra?: unknown, _tags?: string[], metadata?: Record<string, unknown>) => void started.push(metadata ?? {}),
        handleLLMEnd: (output: LLMResult) => void ended.push((output.generations[0]?.[0] as ChatGeneration | undefined)?.message.response_metadata ?? {}),
      },
    ];
    const first = await agent.invoke({ messages: [new HumanMessage('What do the docs say about rennet?')] }, { callbacks });
    const second = await agent.invoke({ messages: [...first.messages, new HumanMessage('write a summary of these results')] }, { callbacks });

    expect(started.map((m) => [m.ls_provider, m.ls_model_name, m.plugboard_skill])).toEqual([
      ['plugboard', 'research', 'research'],
      ['plugboard', 'writer', 'writer'],
    ]);
    expect(ended.map((m) => [m.model_name, m.skill])).toEqual([
      ['research', 'research'],
      ['writer', 'writer'],
    ]);
    // the agent's messages say it too, with the routing reason the middleware adds
    expect(first.messages.at(-1)?.response_metadata).toMatchObject({ skill: 'research', reason: 'routed' });
    expect(second.messages.at(-1)?.response_metadata).toMatchObject({ skill: 'writer', reason: 'routed' });
    expect(script.calls.map((c) => c.options.adapter?.slot)).toEqual([slotOf('research'), slotOf('writer')]);
    expect(pinnedAdapters(handle.fixture.bank)).toEqual([]);
  });

  it('on the real model: every run is fed the routed skill slot, and a switch behind an unchanged prefix (base → skill, skill A → skill B) prefills only the new part', async () => {
    const { runtime, runs } = observeFeeds(handle.fixture.model);
    const backend = new LocalBackend({ model: runtime, bank: handle.fixture.bank, skills: handle.fixture.registry });
    const agent = createAgent({
      model: new PlugboardChatModel({ backend, skills: handle.fixture.registry }),
      tools: [],
      middleware: [skillRouterMiddleware({ router: await skillRouter(), backend, skills: handle.fixture.registry, routing: { sticky: false }, generation: { maxTokens: 4, temperature: 0 } })],
    });
    const usage: { input: number; cached: number; output: number }[] = [];
    const prefilled: number[] = [];
    handle.fixture.model.events.on('generate:start', (e) => prefilled.push(e.promptTokens[0] as number));
    const turn = async (messages: BaseMessage[]) => {
      const state = await agent.invoke({ messages });
      const reply = state.messages.at(-1) as AIMessage;
      usage.push({ input: reply.usage_metadata?.input_tokens ?? -1, cached: reply.usage_metadata?.input_token_details?.cache_read ?? -1, output: reply.usage_metadata?.output_tokens ?? -1 });
      return state;
    };
    const first = await turn([new HumanMessage('Good morning!')]);
    const runsOfFirst = runs.length;
    const second = await turn([...first.messages, new HumanMessage('What do the docs say about rennet?')]);
    const runsOfSecond = runs.length;
    const third = await turn([...second.messages, new HumanMessage('write a summary of these results')]);
    handle.fixture.model.events.removeAllListeners('generate:start');

    expect(first.messages.at(-1)?.response_metadata).toMatchObject({ skill: null, reason: 'fallback' });
    expect(runs.slice(0, runsOfFirst).every((r) => r.adapterIndex[0] === 0)).toBe(true);
    expect(runs.slice(runsOfFirst, runsOfSecond).length).toBeGreaterThan(0);
    expect(runs.slice(runsOfFirst, runsOfSecond).every((r) => r.adapterIndex.length === 1 && r.adapterIndex[0] === slotOf('research'))).toBe(true);
    // the second call reused the whole first call (prompt and reply but its last token) and prefilled only the rest
    expect(usage[1]?.cached).toBe((usage[0]?.input ?? 0) + (usage[0]?.output ?? 0) - 1);
    expect(prefilled[1]).toBe((usage[1]?.input ?? 0) - (usage[1]?.cached ?? 0));
    expect(prefilled[1]).toBeLessThan(usage[1]?.input ?? 0);
    // research → writer: the third call reused the whole second call, research's span included (activated mode),
    // and prefilled only the new user turn and the writer's system prompt (+ research's last reply token)
    expect(second.messages.at(-1)?.response_metadata).toMatchObject({ skill: 'research' });
    expect(third.messages.at(-1)?.response_metadata).toMatchObject({ skill: 'writer' });
    expect(runs.slice(runsOfSecond).length).toBeGreaterThan(0);
    expect(runs.slice(runsOfSecond).every((r) => r.adapterIndex.length === 1 && r.adapterIndex[0] === slotOf('writer'))).toBe(true);
    expect(usage[2]?.cached).toBe((usage[1]?.input ?? 0) + (usage[1]?.output ?? 0) - 1);
    expect(prefilled[2]).toBe((usage[2]?.input ?? 0) - (usage[2]?.cached ?? 0));
    const encode = (text: string) => handle.fixture.model.tokenizer.encode(text, { addSpecialTokens: false }).length;
    expect(prefilled[2]).toBeGreaterThan(encode(WRITER_PROMPT) + encode('write a summary of these results'));
    expect(pinnedAdapters(handle.fixture.bank)).toEqual([]);
  });
});
