import { describe, expect, it } from 'vitest';
import { generateRows } from '@plugboard/core';
import { ScriptedGeneration } from './scripted-generation.ts';
import { useAgentFixture } from '../agent/testing/use-agent-fixture.ts';

const handle = useAgentFixture('scripted');

const prompt = (text: string) => [{ tokens: handle.fixture.model.tokenizer.encode(text) }];

describe('ScriptedGeneration', () => {
  it('makes the real model emit each turn, whatever the sampler, and reports the real runs to the model', async () => {
    const script = new ScriptedGeneration(handle.fixture.model, ['<tool_call>{"name": "x"}</tool_call>', ({ prefilledText }) => `echo: ${prefilledText}`]);
    const runs: string[] = [];
    handle.fixture.model.events.on('generate:start', (e) => runs.push(e.requestId));
    const [first] = await generateRows(script.host, prompt('hello'), { temperature: 1.3, seed: 3 }).result;
    const [second] = await generateRows(script.host, prompt('the user'), { temperature: 0 }).result;
    handle.fixture.model.events.removeAllListeners('generate:start');
    expect(first).toMatchObject({ text: '<tool_call>{"name": "x"}</tool_call>', finishReason: 'stop', stoppedBy: handle.fixture.model.tokenizer.eosTokenIds[0] });
    expect(second?.text).toBe('echo: the user');
    expect(runs).toHaveLength(2);
    expect(script.turnsStarted).toBe(2);
    expect(script.turnsLeft).toBe(0);
  });

  it('fails with INVALID_ARGUMENT when the script has no turn left', async () => {
    const script = new ScriptedGeneration(handle.fixture.model, []);
    await expect(generateRows(script.host, prompt('hello')).result).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('no turn left') });
  });

  it('drives a single row only', async () => {
    const script = new ScriptedGeneration(handle.fixture.model, ['a', 'b']);
    await expect(generateRows(script.host, [...prompt('x'), ...prompt('y')]).result).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
