import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tool } from '@langchain/core/tools';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tinyModelConfig } from '@plugboard/core';
import { loadSkill } from '@plugboard/skills';
import { writeFixtureSkill } from '@plugboard/skills/testing';
import type { Skill } from '@plugboard/skills';
import { AgentEventEmitter } from '../events/agent-events.ts';
import { RunRecorder } from '../events/run-recorder.ts';
import type { AgentTool } from './agent-tool.ts';
import type { ToolCallRecord } from './call-tools.ts';
import { callTools } from './call-tools.ts';

const CONFIG = tinyModelConfig();
const tmp = mkdtempSync(join(tmpdir(), 'plugboard-call-tools-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const echo = tool(async ({ text }: { text: string }) => `echo: ${text}`, { name: 'echo', description: 'echoes', schema: z.object({ text: z.string() }) });
const shout = tool(async ({ text }: { text: string }) => text.toUpperCase(), { name: 'shout', description: 'shouts', schema: z.object({ text: z.string() }) });
const tools = new Map<string, AgentTool>([
  ['echo', echo],
  ['shout', shout],
]);

function skillWithTools(name: string, skillTools: readonly string[] | undefined): Skill {
  const dir = join(tmp, name);
  writeFixtureSkill(dir, { config: CONFIG, name, tools: skillTools });
  return loadSkill(dir);
}

/** Calls echo and shout as `skill` and returns the records. */
async function callBoth(skill: Skill | null): Promise<ToolCallRecord[]> {
  const recorder = new RunRecorder('run', new AgentEventEmitter());
  const calls = [
    { id: 'c0', name: 'echo', args: { text: 'hi' } },
    { id: 'c1', name: 'shout', args: { text: 'hi' } },
  ];
  const run = callTools(calls, { tools, skill, timeoutMs: 1000, recorder });
  for (;;) {
    const next = await run.next();
    if (next.done) return next.value;
  }
}

describe('callTools: a skill\'s tool permission', () => {
  it('lets a skill without a tools field call every tool', async () => {
    const records = await callBoth(skillWithTools('all-tools', undefined));
    expect(records.map((r) => [r.name, r.ok, r.content])).toEqual([
      ['echo', true, 'echo: hi'],
      ['shout', true, 'HI'],
    ]);
  });

  it('lets a skill with tools: [] call none', async () => {
    const records = await callBoth(skillWithTools('no-tools', []));
    expect(records.map((r) => r.ok)).toEqual([false, false]);
    const observation = JSON.parse(records[0]?.content ?? '{}') as { error?: { code: string; message: string } };
    expect(observation.error?.code).toBe('INVALID_ARGUMENT');
    expect(observation.error?.message).toContain('may not call "echo"');
  });

  it('lets a skill call only the tools it lists', async () => {
    const records = await callBoth(skillWithTools('echo-only', ['echo']));
    expect(records.map((r) => [r.name, r.ok])).toEqual([
      ['echo', true],
      ['shout', false],
    ]);
  });
});
