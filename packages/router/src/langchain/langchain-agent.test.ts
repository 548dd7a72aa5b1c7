import { AIMessage, ToolMessage } from '@langchain/core/messages';
import { createAgent } from 'langchain';
import { describe, expect, it } from 'vitest';
import { createSearchDocsTool } from '@plugboard/skills';
import { ScriptedGeneration } from '../agent/scripted/scripted-generation.ts';
import { pinnedAdapters, RESEARCH_PROMPT, WRITER_PROMPT } from '../agent/testing/agent-fixture.ts';
import { firstSource, searchCall } from '../agent/testing/doc-fixture.ts';
import { RulesRouter } from '../routing/rules/rules-router.ts';
import { PlugboardChatModel } from './chat-model/plugboard-chat-model.ts';
import { SkillRouterEventEmitter } from './middleware/skill-router-events.ts';
import { skillRouterMiddleware } from './middleware/skill-router-middleware.ts';
import { useAgentFixture } from '../agent/testing/use-agent-fixture.ts';

const handle = useAgentFixture('langchain-agent', { docs: true });

describe('LangChain createAgent + PlugboardChatModel + skillRouterMiddleware', () => {
  it('routes each model call to a skill, swaps adapters, and answers from the RAG tool result', async () => {
    const prefills: string[] = [];
    const script = new ScriptedGeneration(handle.fixture.model, [
      ({ prefilledText }) => {
        prefills.push(prefilledText);
        return searchCall('rennet milk cheese');
      },
      ({ prefilledText }) => {
        prefills.push(prefilledText);
        return `According to ${firstSource(prefilledText) ?? 'nothing'}, rennet curdles milk.`;
      },
    ]);
    const router = new RulesRouter([{ pattern: /"results"/, route: 'writer', priority: 1 }]);
    await router.fit(handle.fixture.registry.routes());
    const events = new SkillRouterEventEmitter();
    const routes: (string | null)[] = [];
    const swaps: [string | null, string | null][] = [];
    const pinnedDuringCalls: string[][] = [];
    events.on('route', (e) => routes.push(e.skill));
    events.on('adapter:swap', (e) => swaps.push([e.fromSkill, e.toSkill]));
    handle.fixture.model.events.on('generate:start', () => pinnedDuringCalls.push(pinnedAdapters(handle.fixture.bank)));

    const agent = createAgent({
      model: new PlugboardChatModel({ runtime: script.host, generation: { temperature: 0 } }),
      tools: [createSearchDocsTool(handle.index)],
      middleware: [skillRouterMiddleware({ router, bank: handle.fixture.bank, skills: handle.fixture.registry, model: handle.fixture.model, events })],
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

    expect(routes).toEqual(['research', 'writer']);
    expect(swaps).toEqual([
      [null, 'research'],
      ['research', 'writer'],
    ]);
    // each call ran with its skill's adapter pinned and its system prompt in the prompt
    expect(pinnedDuringCalls).toEqual([['research'], ['writer']]);
    expect(prefills[0]).toContain(RESEARCH_PROMPT);
    expect(prefills[1]).toContain(WRITER_PROMPT);
    expect(prefills[1]).toContain('food/cheese.md');
    expect(script.turnsLeft).toBe(0);
    expect(pinnedAdapters(handle.fixture.bank)).toEqual([]);
  });
});
