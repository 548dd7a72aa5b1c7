import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '@plugboard/core';
import type { LogprobsResult } from '@plugboard/core';
import { runCliInProcess } from '../testing/run-cli.ts';

const STORIES = join(import.meta.dirname, '..', '..', '..', 'core', 'fixtures', 'stories260K');
const text = 'Once upon a time, there was a little girl';

describe('plugboard score', () => {
  it('--json prints the same log-probabilities as model.logprobs on stories260K', async () => {
    const run = await runCliInProcess(['score', '--model', STORIES, '--text', text, '--top-k', '3', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as LogprobsResult;
    const model = await loadModel(STORIES);
    const expected = await model.logprobs(text, { topK: 3 });
    await model.dispose();
    expect(printed.tokens).toEqual(expected.tokens);
    printed.scored.forEach((s, i) => {
      expect(s.token).toBe(expected.scored[i]!.token);
      expect(Math.abs(s.logprob - expected.scored[i]!.logprob)).toBeLessThan(1e-5);
      expect(s.top).toHaveLength(3);
    });
    // a real model finds its favourite opening likely: every token of it above 1 % probability
    expect(printed.scored.every((s) => s.logprob > Math.log(0.01))).toBe(true);
  });

  it('refuses a malformed --top-k and a one-token text with a clear message', async () => {
    const badFlag = await runCliInProcess(['score', '--model', STORIES, '--text', text, '--top-k', '1.5']);
    expect(badFlag.code).not.toBe(0);
    expect(badFlag.stderr).toContain('not an integer');
    const short = await runCliInProcess(['score', '--model', STORIES, '--text', '']);
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('[INVALID_ARGUMENT]');
  });
});
