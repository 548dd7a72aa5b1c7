import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelConfig } from '@plugboard/core';
import type { AgentEvent } from '@plugboard/router';
import { SHIPPED } from './assistant-files.ts';
import { loadAssistant } from './assistant.ts';
import type { Assistant } from './assistant.ts';
import { scoreTask } from './score.ts';
import type { TaskExample } from './tasks/task-example.ts';

// The shipped assistant as a user gets it: every file loads, skills pin this base, routing and tool calls work end to end.
let assistant: Assistant;
beforeAll(async () => {
  assistant = await loadAssistant();
});
afterAll(async () => assistant?.dispose());

const firstTest = (name: string): TaskExample => JSON.parse(readFileSync(join(SHIPPED.testSets, `${name}.test.jsonl`), 'utf8').split('\n')[0] as string) as TaskExample;

describe('the shipped assistant', () => {
  it('is a ~5M-parameter base with four skills of three kinds, each pinned to this base', () => {
    const config = readModelConfig(SHIPPED.model);
    expect(config.hiddenSize * config.numLayers).toBe(256 * 6);
    const kinds = Object.fromEntries(assistant.registry.list().map((s) => [s.manifest.name, s.manifest.adapter.kind]));
    expect(kinds).toEqual({ contracts: 'lora', finance: 'adapter', hr: 'lora', it: 'lora' });
    const lisa = assistant.registry.get('contracts').manifest.lisa?.layers ?? [];
    expect(lisa.length).toBeGreaterThan(0);
    expect(lisa.length).toBeLessThan(config.numLayers);
    for (const skill of assistant.registry.list()) expect(skill.manifest.baseModel.fingerprint).toBe(assistant.skills.model.weightsFingerprint);
  });

  it('routes held-out messages of each skill to it, and an out-of-scope question to the base', async () => {
    for (const name of ['hr', 'finance', 'it', 'contracts']) expect((await assistant.router.route(firstTest(name).user)).route, name).toBe(name);
    expect((await assistant.router.route('What is the capital of Peru?')).route).toBeNull();
  });

  it('runs an IT fault through the it skill: a swap to its adapter, a tool call that validates against its schema, a confirmation', async () => {
    const example = firstTest('it');
    const run = assistant.agent.run(example.user);
    const events: AgentEvent[] = [];
    for await (const event of run) events.push(event);
    const result = await run.result;
    expect(events.find((e) => e.type === 'route')).toMatchObject({ skill: 'it' });
    expect(events.some((e) => e.type === 'adapter:swap' && e.toSkill === 'it')).toBe(true);
    const calls = result.steps.flatMap((s) => s.toolCalls);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.ok)).toBe(true);
    expect(scoreTask(example, result).toolCallsValid).toBe(true);
  });
});
