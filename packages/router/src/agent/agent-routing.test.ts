import { join } from 'node:path';
import { tool } from '@langchain/core/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SkillRegistry } from '@plugboard/skills';
import { writeFixtureSkill } from '@plugboard/skills/testing';
import { RulesRouter } from '../routing/rules/rules-router.ts';
import { scriptedBackend } from '../testing/scripted-backend.ts';
import { createAgent } from './agent.ts';
import type { AgentEvent } from './events/agent-events.ts';
import { useAgentFixture } from './testing/use-agent-fixture.ts';

const handle = useAgentFixture('agent-routing');

const SCHEMA = 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT); SELECT * FROM users JOIN orders ON orders.user_id = users.id;';
const POEM_PROMPT = 'You are the poem skill: write short poems.';

/** Two skills whose keywords tell poems from SQL, and a search_docs tool whose result is SQL schema text. */
function poemAndSql(): SkillRegistry {
  const { model } = handle.fixture;
  const common = { config: model.config, baseFingerprint: model.weightsFingerprint, rank: 4, modules: ['q', 'v'] as const };
  const registry = new SkillRegistry();
  writeFixtureSkill(join(handle.tmp, 'skills', 'poem'), { ...common, name: 'poem', seed: 5, examples: ['write a haiku', 'a poem about the sea'], keywords: ['haiku', 'poem'], systemPrompt: POEM_PROMPT });
  writeFixtureSkill(join(handle.tmp, 'skills', 'sql'), { ...common, name: 'sql', seed: 6, examples: ['count the users table', 'write a SELECT query'], keywords: ['table', 'select', 'sql'], systemPrompt: 'You are the sql skill.' });
  registry.add(join(handle.tmp, 'skills', 'poem'));
  registry.add(join(handle.tmp, 'skills', 'sql'));
  return registry;
}

const searchDocs = tool(() => SCHEMA, { name: 'search_docs', description: 'Searches the docs.', schema: z.object({ query: z.string() }) });
const SEARCH = `<tool_call>\n${JSON.stringify({ name: 'search_docs', arguments: { query: 'docs' } })}\n</tool_call>`;

async function haikuRun(afterToolResult: 'stay' | 'route') {
  const registry = poemAndSql();
  const router = new RulesRouter();
  await router.fit(registry.routes());
  // the routing text of a step with the schema in it would go to sql
  expect(router.route(SCHEMA).route).toBe('sql');
  const { backend, script } = scriptedBackend({ model: handle.fixture.model, bank: handle.fixture.bank, skills: registry }, [SEARCH, 'Tables in rows / users join their orders / the schema is calm']);
  const agent = createAgent({ backend, skills: registry, router, tools: [searchDocs], routing: { afterToolResult } });
  const run = agent.run('write a haiku about the docs');
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  const routes = events.filter((e): e is Extract<AgentEvent, { type: 'route' }> => e.type === 'route');
  const poemSlot = handle.fixture.bank.list().find((h) => h.name === 'poem')?.slot;
  return { result: await run.result, routes, script, poemSlot };
}

describe('routing follows the task', () => {
  it('a haiku task stays on the poem skill through a search_docs call whose result is SQL schema text', async () => {
    const { result, routes, script, poemSlot } = await haikuRun('stay');
    expect(routes.map((r) => [r.skill, r.reason])).toEqual([
      ['poem', 'routed'],
      ['poem', 'sticky'],
    ]);
    expect(result.steps.map((s) => s.skill)).toEqual(['poem', 'poem']);
    // the poem was written on the poem adapter, with the schema in its prompt
    expect(script.calls.map((c) => c.options.adapter?.slot)).toEqual([poemSlot, poemSlot]);
    expect(script.calls[1]?.prompt).toContain('CREATE TABLE users');
    expect(result.messages.filter((m) => m.role === 'system').map((m) => m.content)).toEqual([POEM_PROMPT]);
  });

  it('routing the step after a tool result still reads what the user asked, not the result', async () => {
    const { routes, script, poemSlot } = await haikuRun('route');
    expect(routes.map((r) => [r.skill, r.reason])).toEqual([
      ['poem', 'routed'],
      ['poem', 'routed'],
    ]);
    expect(routes.every((r) => r.scores.sql === undefined || (r.scores.poem ?? 0) > (r.scores.sql ?? 0))).toBe(true);
    expect(script.calls.map((c) => c.options.adapter?.slot)).toEqual([poemSlot, poemSlot]);
  });
});
