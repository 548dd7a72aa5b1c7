import { join } from 'node:path';
import { tool } from '@langchain/core/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GenerationStream, isPlugboardError, PlugboardError } from '@plugboard/core';
import { writeFixtureSkill } from '@plugboard/skills/testing';
import type { SkillBackend } from '../backend/skill-backend.ts';
import type { SkillDelta, SkillResult } from '../backend/skill-result.ts';
import { LinearRouter } from '../routing/linear/linear-router.ts';
import { RulesRouter } from '../routing/rules/rules-router.ts';
import type { Router } from '../routing/router.ts';
import { ScriptedRouter } from '../routing/testing/scripted-router.ts';
import { observeFeeds } from '../testing/observe-feeds.ts';
import { scriptedBackend } from '../testing/scripted-backend.ts';
import type { ScriptedTurn } from '../testing/scripted-token-source.ts';
import { createAgent } from './agent.ts';
import type { AgentEvent } from './events/agent-events.ts';
import type { AgentTool } from './tools/agent-tool.ts';
import { pinnedAdapters } from './testing/agent-fixture.ts';
import { useAgentFixture } from './testing/use-agent-fixture.ts';

const handle = useAgentFixture('agent-failures');
const fixture = () => handle.fixture;

async function researchRouter(): Promise<Router> {
  const router = new RulesRouter();
  await router.fit(fixture().registry.routes());
  return router;
}

const call = (name: string, args: unknown) => `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`;

let addCalls = 0;
const TOOLS: AgentTool[] = [
  tool(
    () => {
      throw new Error('disk on fire');
    },
    { name: 'explode', description: 'Always fails.', schema: z.object({}) },
  ),
  tool(
    (_input, config) =>
      new Promise<string>((_resolve, reject) => {
        // never finishes on its own: only the timeout's abort ends it
        config.signal?.addEventListener('abort', () => reject(new Error('stalled tool saw the abort')));
      }),
    { name: 'stall', description: 'Never finishes.', schema: z.object({}) },
  ),
  tool(
    ({ a, b }) => {
      addCalls++;
      return String(a + b);
    },
    { name: 'add', description: 'Adds two numbers.', schema: z.object({ a: z.number(), b: z.number() }) },
  ),
  tool(() => 'x'.repeat(1500), { name: 'dump', description: 'Returns a large result.', schema: z.object({}) }),
];

/** Runs a "check the docs" task (routed to the research skill) with the scripted turns; the last turn sees the step's prompt. */
async function runScripted(turns: ScriptedTurn[], options: { router?: Router; input?: string; settings?: { toolResultMaxChars?: number } } = {}) {
  const seen: string[] = [];
  const { backend, script } = scriptedBackend({ ...fixture(), skills: fixture().registry }, [
    ...turns,
    ({ prompt }) => {
      seen.push(prompt);
      return 'Done.';
    },
  ]);
  const agent = createAgent({ backend, skills: fixture().registry, router: options.router ?? (await researchRouter()), tools: TOOLS, toolTimeoutMs: 50, ...options.settings });
  const run = agent.run(options.input ?? 'Please check the docs.');
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return { result: await run.result, events, seen, script };
}

const errorsOf = (events: AgentEvent[]) => events.filter((e): e is Extract<AgentEvent, { type: 'error' }> => e.type === 'error');
const toolResultsOf = (events: AgentEvent[]) => events.filter((e): e is Extract<AgentEvent, { type: 'tool:result' }> => e.type === 'tool:result');

/** A backend whose stream yields one delta and then fails (or never yields again, until its signal aborts). */
function brokenBackend(inner: SkillBackend, mode: 'throw' | 'stall'): SkillBackend & { released: number } {
  const broken = {
    released: 0,
    describe: () => inner.describe(),
    prepare: (skill: string) => inner.prepare(skill),
    generate(request: Parameters<SkillBackend['generate']>[0]) {
      return new GenerationStream<SkillDelta, SkillResult>(
        (async function* () {
          try {
            yield { type: 'text', text: 'Par' };
            if (mode === 'throw') throw new TypeError('socket hang up');
            await new Promise((_resolve, reject) => request.signal?.addEventListener('abort', () => reject(request.signal?.reason as Error)));
            throw new Error('unreachable');
          } finally {
            broken.released++;
          }
        })(),
      );
    },
  };
  return broken;
}

describe('createAgent: failures stay inside the run', () => {
  it('a tool that throws becomes a TOOL_ERROR observation the model reads next step', async () => {
    const { result, events, seen } = await runScripted([call('explode', {})]);
    expect(errorsOf(events)).toMatchObject([{ step: 0, code: 'TOOL_ERROR', tool: 'explode' }]);
    expect(errorsOf(events)[0]?.message).toContain('disk on fire');
    expect(toolResultsOf(events)).toMatchObject([{ name: 'explode', ok: false }]);
    expect(seen[0]).toContain('TOOL_ERROR');
    expect(result).toMatchObject({ answer: 'Done.', reason: 'answer' });
    expect(pinnedAdapters(fixture().bank)).toEqual([]);
  });

  it('a tool that does not finish in time becomes a TOOL_TIMEOUT observation', async () => {
    const { result, events, seen } = await runScripted([call('stall', {})]);
    expect(errorsOf(events)).toMatchObject([{ code: 'TOOL_TIMEOUT', tool: 'stall' }]);
    expect(seen[0]).toContain('TOOL_TIMEOUT');
    expect(result.reason).toBe('answer');
  });

  it('invalid arguments are rejected by the tool schema before the tool runs', async () => {
    addCalls = 0;
    const { events, seen } = await runScripted([call('add', { a: 'one', b: 2 }), call('add', { a: 1, b: 2 })]);
    expect(errorsOf(events)).toMatchObject([{ step: 0, code: 'INVALID_ARGUMENT', tool: 'add' }]);
    expect(toolResultsOf(events)).toMatchObject([
      { step: 0, ok: false },
      { step: 1, ok: true, content: '3' },
    ]);
    expect(addCalls).toBe(1);
    expect(seen[0]).toContain('3');
  });

  it('malformed tool calls and unknown tools are reported, not run', async () => {
    const { events } = await runScripted(['<tool_call>{"name": "add", "arguments": </tool_call>', call('nope', {})]);
    expect(errorsOf(events).map((e) => e.code)).toEqual(['INVALID_ARGUMENT', 'INVALID_ARGUMENT']);
    expect(errorsOf(events)[0]?.message).toContain('not valid JSON');
    expect(errorsOf(events)[1]?.message).toContain('no tool named "nope"');
  });

  it('a large tool result is cut to the budget with a marker the model reads, so the next prompt stays small', async () => {
    const { result, seen } = await runScripted([call('dump', {})], { settings: { toolResultMaxChars: 200 } });
    const toolMessage = result.messages.find((m) => m.role === 'tool');
    expect(toolMessage?.content?.startsWith('x'.repeat(200))).toBe(true);
    expect(toolMessage?.content).toContain('[… truncated: 1300 of 1500 characters not shown]');
    expect(seen[0]).toContain('truncated: 1300 of 1500');
    expect(seen[0]).not.toContain('x'.repeat(201));
  });

  it('a backend that throws mid-stream ends the step with a coded error, releases what it held, and stops or continues by policy', async () => {
    const { backend } = scriptedBackend({ ...fixture(), skills: fixture().registry }, ['Done.']);
    const broken = brokenBackend(backend, 'throw');
    const stopping = createAgent({ backend: broken, skills: fixture().registry, router: await researchRouter() });
    const events: AgentEvent[] = [];
    const failure = await (async () => {
      for await (const event of stopping.run('Please check the docs.')) events.push(event);
    })().catch((error: unknown) => error);
    expect(isPlugboardError(failure, 'BACKEND_ERROR')).toBe(true);
    expect((failure as Error).message).toContain('socket hang up');
    expect(errorsOf(events)).toMatchObject([{ step: 0, code: 'BACKEND_ERROR' }]);
    expect(broken.released).toBe(1);

    // continue: the failed step is reported and the next step runs (here on a working backend)
    let calls = 0;
    const flaky: SkillBackend = { describe: () => backend.describe(), prepare: (s) => backend.prepare(s), generate: (request) => (calls++ === 0 ? broken.generate(request) : backend.generate(request)) };
    const going = createAgent({ backend: flaky, skills: fixture().registry, router: await researchRouter(), onBackendError: 'continue' });
    const run = going.run('Please check the docs.');
    const seen: AgentEvent[] = [];
    for await (const event of run) seen.push(event);
    expect(errorsOf(seen)).toMatchObject([{ step: 0, code: 'BACKEND_ERROR' }]);
    expect(await run.result).toMatchObject({ answer: 'Done.', reason: 'answer' });
    expect(pinnedAdapters(fixture().bank)).toEqual([]);
  });

  it('a backend that stalls mid-stream is stopped after the idle timeout with BACKEND_ERROR and its lease released', async () => {
    const { backend } = scriptedBackend({ ...fixture(), skills: fixture().registry }, []);
    const broken = brokenBackend(backend, 'stall');
    const agent = createAgent({ backend: broken, skills: fixture().registry, router: await researchRouter(), backendIdleTimeoutMs: 30 });
    await expect(agent.run('Please check the docs.').result).rejects.toMatchObject({ code: 'BACKEND_ERROR', message: expect.stringContaining('produced nothing for 30 ms') });
    expect(broken.released).toBe(1);
  });

  it('a route to a skill nobody registered fails with SKILL_NOT_FOUND listing the known skills', async () => {
    const router = new ScriptedRouter('scripted', { 'Please check the docs.': { route: 'ghost', confidence: 1, scores: { ghost: 1 } } });
    const { backend } = scriptedBackend({ ...fixture(), skills: fixture().registry }, ['never']);
    const agent = createAgent({ backend, skills: fixture().registry, router });
    await expect(agent.run('Please check the docs.').result).rejects.toMatchObject({ code: 'SKILL_NOT_FOUND', message: expect.stringContaining('known skills: research, writer') });
    await expect(backend.prepare('ghost')).rejects.toMatchObject({ code: 'SKILL_NOT_FOUND' });
    expect(pinnedAdapters(fixture().bank)).toEqual([]);
  });

  it('cancellation stops the real model within one decode step and releases the lease', async () => {
    const { runtime, runs } = observeFeeds(fixture().model);
    const agent = createAgent({ model: runtime, bank: fixture().bank, skills: fixture().registry, router: await researchRouter(), generation: { maxTokens: 60, temperature: 1, seed: 1 } });
    const controller = new AbortController();
    let runsAtAbort = -1;
    const pinnedWhileGenerating: string[][] = [];
    agent.events.on('token', () => {
      if (runsAtAbort >= 0) return;
      pinnedWhileGenerating.push(pinnedAdapters(fixture().bank));
      runsAtAbort = runs.length;
      controller.abort();
    });
    const events: AgentEvent[] = [];
    const run = agent.run('Please check the docs.', { signal: controller.signal });
    const failure = await (async () => {
      for await (const event of run) events.push(event);
    })().catch((error: unknown) => error);
    expect(isPlugboardError(failure, 'ABORTED')).toBe(true);
    expect(pinnedWhileGenerating).toEqual([['research']]);
    expect(runs.length - runsAtAbort).toBeLessThanOrEqual(1);
    expect(errorsOf(events)).toMatchObject([{ code: 'ABORTED' }]);
    expect(events.some((e) => e.type === 'done' || e.type === 'step:end')).toBe(false);
    expect(pinnedAdapters(fixture().bank)).toEqual([]);
  });

  it('a consumer that stops iterating early releases the lease too', async () => {
    const { backend } = scriptedBackend({ ...fixture(), skills: fixture().registry }, ['word '.repeat(20)]);
    const agent = createAgent({ backend, skills: fixture().registry, router: await researchRouter() });
    const run = agent.run('Please check the docs.');
    for await (const event of run) {
      if (event.type === 'token') {
        expect(pinnedAdapters(fixture().bank)).toEqual(['research']);
        break;
      }
    }
    await expect(run.result).rejects.toMatchObject({ code: 'ABORTED' });
    expect(pinnedAdapters(fixture().bank)).toEqual([]);
  });

  it('no route above the calibrated threshold runs the base model (slot 0, no swap, reason fallback)', async () => {
    const router = new LinearRouter({ calibration: { temperature: 1, threshold: 0.99 } });
    await router.fit(fixture().registry.routes());
    const { result, events, script } = await runScripted([], { router, input: 'Good morning, how are you today?' });
    const routes = events.filter((e): e is Extract<AgentEvent, { type: 'route' }> => e.type === 'route');
    expect(routes).toMatchObject([{ skill: null, strategy: 'linear', reason: 'fallback' }]);
    expect(routes[0]?.confidence).toBeLessThan(0.99);
    expect(Object.keys(routes[0]?.scores ?? {}).sort()).toEqual(['research', 'writer']);
    expect(events.some((e) => e.type === 'adapter:swap')).toBe(false);
    expect(script.calls.map((c) => c.options.adapter)).toEqual([null]);
    expect(result.messages.some((m) => m.role === 'system')).toBe(false);
  });

  it('a skill replaced in the registry reaches the running agent at its next step; the step in flight finishes on the old weights', async () => {
    const { registry, model, bank } = fixture();
    const original = registry.get('research');
    const v2Dir = join(handle.tmp, 'skills', 'research-v2');
    writeFixtureSkill(v2Dir, { config: model.config, baseFingerprint: model.weightsFingerprint, rank: 4, modules: ['q', 'v'], name: 'research', seed: 99, examples: ['search the docs for'], keywords: ['docs'], systemPrompt: original.manifest.systemPrompt });
    const { backend, script } = scriptedBackend({ model, bank, skills: registry }, [
      () => {
        // replaced while step 0 generates (its lease is held)
        registry.add(v2Dir, { replace: true });
        return call('add', { a: 1, b: 2 });
      },
      'Done.',
    ]);
    try {
      const agent = createAgent({ backend, skills: registry, router: await researchRouter(), tools: TOOLS });
      await agent.run('Please check the docs.').result;
      const [first, second] = script.calls.map((c) => c.options.adapter);
      expect(first?.id).toBeDefined();
      expect(second?.id).toBeDefined();
      expect(second?.id).not.toBe(first?.id);
      expect(bank.get(second?.id as string)?.name).toBe('research');
      expect(pinnedAdapters(bank)).toEqual([]);
    } finally {
      registry.add(original, { replace: true });
    }
  });
});

describe('PlugboardError for a bad request', () => {
  it('LocalBackend rejects a malformed request with INVALID_ARGUMENT', () => {
    const { backend } = scriptedBackend({ ...fixture(), skills: fixture().registry }, []);
    expect(() => backend.generate({ messages: [] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('messages') }));
    expect(() => backend.generate({ messages: [{ role: 'user', content: 'x' }], skill: 'ghost' })).toThrow(expect.objectContaining({ code: 'SKILL_NOT_FOUND' }));
    expect(new PlugboardError('BACKEND_ERROR', 'x').code).toBe('BACKEND_ERROR');
  });
});
