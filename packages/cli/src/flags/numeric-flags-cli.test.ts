import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureModel } from '@plugboard/core/testing';
import { runCliInProcess } from '../testing/run-cli.ts';

let dir: string;
let modelDir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plugboard-cli-numbers-'));
  modelDir = writeFixtureModel(join(dir, 'model')).dir;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the CLI parses numeric flags strictly', () => {
  it('refuses --max-tokens 1e3 and --seed 1.5 instead of reading 1', async () => {
    const maxTokens = await runCliInProcess(['generate', '--model', modelDir, '--prompt', 'hi', '--max-tokens', '1e3']);
    expect(maxTokens.code).not.toBe(0);
    expect(maxTokens.stderr).toContain(`option '--max-tokens <n>' argument '1e3' is invalid. "1e3" is not an integer ≥ 1`);
    const seed = await runCliInProcess(['generate', '--model', modelDir, '--prompt', 'hi', '--seed', '1.5']);
    expect(seed.code).not.toBe(0);
    expect(seed.stderr).toContain('"1.5" is not an integer');
    const fixtureSeed = await runCliInProcess(['fixture', '--out', join(dir, 'never'), '--seed', '3x']);
    expect(fixtureSeed.code).not.toBe(0);
    expect(fixtureSeed.stderr).toContain('"3x" is not an integer');
  });

  it('refuses train --sequence 2500 on a model with 2048 positions (INVALID_ARGUMENT), before training', async () => {
    const data = join(dir, 'task.jsonl');
    writeFileSync(data, `${JSON.stringify({ prompt: 'a', completion: 'b' })}\n`);
    const run = await runCliInProcess(['train', '--base', modelDir, '--data', data, '--out', join(dir, 'out'), '--steps', '1', '--sequence', '2500']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[INVALID_ARGUMENT]');
    expect(run.stderr).toContain('2048 positions');
  });

  it('accepts well-formed numbers', async () => {
    const run = await runCliInProcess(['generate', '--model', modelDir, '--prompt', 'hi', '--max-tokens', '2', '--seed', '7', '--temperature', '0']);
    expect(run.code).toBe(0);
    // two tokens asked for, so it stops for length
    expect(run.stderr).toContain('[length]');
  });
});
