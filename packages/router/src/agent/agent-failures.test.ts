import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tool } from '@langchain/core/tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isPlugboardError } from '@plugboard/core';
import { LinearRouter } from '../routing/linear/linear-router.ts';
import { RulesRouter } from '../routing/rules/rules-router.ts';
import type { Router } from '../routing/router.ts';
import { createAgent } from './agent.ts';
import type { AgentEvent } from './events/agent-events.ts';
import type { ScriptedTurn } from './scripted/scripted-generation.ts';
import { ScriptedGeneration } from './scripted/scripted-generation.ts';
import type { AgentTool } from './tools/agent-tool.ts';
import type { AgentFixture } from './testing/agent-fixture.ts';
import { loadAgentFixture, pinnedAdapters } from './testing/agent-fixture.ts';

const tmp = mkdtempSync(join(tmpdir(), 'plugboard-agent-failures-'));
let fixture: AgentFixture;
let research: Router;

beforeAll(async () => {
  fixture = await loadAgentFixture(tmp);
  research = new RulesRouter();
  await research.fit(fixture.registry.routes());
});
afterAll(async () => {
  await fixture.model.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

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
];

/** Runs a "check the docs" task (routed to the research skill) with the scripted turns; the last turn sees the step's prefill. */
async function runScripted(turns: ScriptedTurn[], options: { router?: Router; input?: string } = {}) {
  const seen: string[] = [];
  const script = new ScriptedGeneration(fixture.model, [
    ...turns,
    ({ prefilledText }) => {
      seen.push(prefilledText);
      return 'Done.';
    },
  ]);
  const agent = createAgent({ model: script.host, skills: fixture.registry, router: options.router ?? research, bank: fixture.bank, tools: TOOLS, toolTimeoutMs: 50 });
  const run = agent.run(options.input ?? 'Please check the docs.');
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return { result: await run.result, events, seen, script };
}

const errorsOf = (events: AgentEvent[]) => events.filter((e): e is Extract<AgentEvent, { type: 'error' }> => e.type === 'error');
const toolResultsOf = (events: AgentEvent[]) => events.filter((e): e is Extract<AgentEvent, { type: 'tool:result' }> => e.type === 'tool:result');

describe('createAgent: failures stay inside the run', () => {
  it('a tool that throws becomes a TOOL_ERROR observation the model reads next step', async () => {
    const { result, events, seen } = await runScripted([call('explode', {})]);
    expect(errorsOf(events)).toMatchObject([{ step: 0, code: 'TOOL_ERROR', tool: 'explode' }]);
    expect(errorsOf(events)[0]?.message).toContain('disk on fire');
    expect(toolResultsOf(events)).toMatchObject([{ name: 'explode', ok: false }]);
    expect(seen[0]).toContain('TOOL_ERROR');
    expect(result).toMatchObject({ answer: 'Done.', reason: 'answer' });
    expect(pinnedAdapters(fixture.bank)).toEqual([]);
  });

  it('a tool that does not finish in time becomes a TOOL_TIMEOUT observation', async () => {
    const { result, events, seen } = await runScripted([call('stall', {})]);
    expect(errorsOf(events)).toMatchObject([{ code: 'TOOL_TIMEOUT', tool: 'stall' }]);
    expect(toolResultsOf(events)).toMatchObject([{ name: 'stall', ok: false }]);
    expect(seen[0]).toContain('TOOL_TIMEOUT');
    expect(result.reason).toBe('answer');
    expect(pinnedAdapters(fixture.bank)).toEqual([]);
  });

  it('invalid arguments are rejected by the tool schema before the tool runs', async () => {
    addCalls = 0;
    const { events, seen } = await runScripted([call('add', { a: 'one', b: 2 }), call('add', { a: 1, b: 2 })]);
    expect(errorsOf(events)).toMatchObject([{ step: 0, code: 'INVALID_ARGUMENT', tool: 'add' }]);
    expect(errorsOf(events)[0]?.message).toContain('a:');
    expect(toolResultsOf(events)).toMatchObject([
      { step: 0, ok: false },
      { step: 1, ok: true, content: '3' },
    ]);
    expect(addCalls).toBe(1);
    expect(seen[0]).toContain('3');
    expect(pinnedAdapters(fixture.bank)).toEqual([]);
  });

  it('malformed tool calls and unknown tools are reported, not run', async () => {
    const { events } = await runScripted(['<tool_call>{"name": "add", "arguments": </tool_call>', call('nope', {})]);
    expect(errorsOf(events).map((e) => e.code)).toEqual(['INVALID_ARGUMENT', 'INVALID_ARGUMENT']);
    expect(errorsOf(events)[0]?.message).toContain('not valid JSON');
    expect(errorsOf(events)[1]?.message).toContain('no tool named "nope"');
    expect(pinnedAdapters(fixture.bank)).toEqual([]);
  });

  it('cancellation stops generation promptly and releases the lease', async () => {
    const longTurn = 'word '.repeat(60);
    const script = new ScriptedGeneration(fixture.model, [longTurn]);
    const agent = createAgent({ model: script.host, skills: fixture.registry, router: research, bank: fixture.bank });
    const controller = new AbortController();
    const pinnedWhileGenerating: string[][] = [];
    agent.events.on('token', () => {
      pinnedWhileGenerating.push(pinnedAdapters(fixture.bank));
      controller.abort();
    });
    const events: AgentEvent[] = [];
    const run = agent.run('Please check the docs.', { signal: controller.signal });
    const failure = await (async () => {
      for await (const event of run) events.push(event);
    })().catch((error: unknown) => error);
    expect(isPlugboardError(failure, 'ABORTED')).toBe(true);
    await expect(run.result).rejects.toMatchObject({ code: 'ABORTED' });
    // the lease was held while tokens streamed, and the abort was seen at the next decode step
    expect(pinnedWhileGenerating).toEqual([['research']]);
    expect(events.filter((e) => e.type === 'token')).toHaveLength(1);
    expect(errorsOf(events)).toMatchObject([{ code: 'ABORTED' }]);
    expect(events.some((e) => e.type === 'done' || e.type === 'step:end')).toBe(false);
    expect(pinnedAdapters(fixture.bank)).toEqual([]);
  });

  it('a consumer that stops iterating early releases the lease too', async () => {
    const script = new ScriptedGeneration(fixture.model, ['word '.repeat(20)]);
    const agent = createAgent({ model: script.host, skills: fixture.registry, router: research, bank: fixture.bank });
    const run = agent.run('Please check the docs.');
    for await (const event of run) {
      if (event.type === 'token') {
        expect(pinnedAdapters(fixture.bank)).toEqual(['research']);
        break;
      }
    }
    await expect(run.result).rejects.toMatchObject({ code: 'ABORTED' });
    expect(pinnedAdapters(fixture.bank)).toEqual([]);
  });

  it('no route above the calibrated threshold runs the base model (slot 0, no swap)', async () => {
    const router = new LinearRouter({ calibration: { temperature: 1, threshold: 0.99 } });
    await router.fit(fixture.registry.routes());
    const { result, events } = await runScripted([], { router, input: 'Good morning, how are you today?' });
    const routes = events.filter((e): e is Extract<AgentEvent, { type: 'route' }> => e.type === 'route');
    expect(routes).toHaveLength(1);
    expect(routes[0]).toMatchObject({ skill: null, strategy: 'linear' });
    expect(routes[0]?.confidence).toBeLessThan(0.99);
    expect(Object.keys(routes[0]?.scores ?? {}).sort()).toEqual(['research', 'writer']);
    expect(events.some((e) => e.type === 'adapter:swap')).toBe(false);
    expect(result.steps.map((s) => s.skill)).toEqual([null]);
    expect(result.messages.some((m) => m.role === 'system')).toBe(false);
    expect(pinnedAdapters(fixture.bank)).toEqual([]);
  });
});
