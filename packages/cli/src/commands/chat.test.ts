/** `plugboard chat` and `generate --skill`: once as a user drives it (the CLI in a child process, lines piped to stdin), the rest in-process. */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../../../core/src/testing/test-helpers.ts';
import { writeChatFixture } from '../testing/chat-fixture.ts';
import { runCli, runCliInProcess } from '../testing/run-cli.ts';

const STORIES = join(import.meta.dirname, '..', '..', '..', 'core', 'fixtures', 'stories260K');
const tmp = useTempDir('chat-cli');
const env = { PLUGBOARD_CACHE_DIR: join(tmp, 'graphs') };
let fixture: { modelDir: string; skillsDir: string };

beforeAll(() => {
  fixture = writeChatFixture(tmp);
});

describe('plugboard chat', () => {
  it('chats with stories260K over piped stdin: streams the continuation, keeps history, /stats, /quit', async () => {
    const input = ['Once upon a time', 'One day, Lily', '/stats', '/quit', 'never read'];
    const run = await runCli(['chat', '--model', STORIES, '--temperature', '0', '--max-tokens', '20'], { input, env });
    expect(run.code, run.stderr).toBe(0);
    // greedy from "<s> Once upon a time" is llama2.c's published story
    expect(run.stdout).toContain(', there was a little girl named Lily.');
    const reports = run.stdout.match(/\[base \(base model\) · 20 tokens at [\d.]+ tok\/s · length · reused \d+ cached tokens\]/g) ?? [];
    expect(reports).toHaveLength(2);
    expect(reports[1]).not.toContain('reused 0 '); // the second turn continued the first turn's KV cache
    expect(run.stdout).toMatch(/\[turns 2 \(base 2\) · history \d+ of 512 tokens/);
    expect(run.stdout).not.toContain('never read');
  });

  it('routes turns between skills with --skills, /skill switches, bad input is reported and the chat goes on', async () => {
    const input = ['count the users in the sql table', '/skill poet', 'anything at all', '/skill nope', '/skill auto', 'write a haiku about autumn leaves', '/reset', '/stats', '/quit'];
    const run = await runCliInProcess(['chat', '--model', fixture.modelDir, '--skills', fixture.skillsDir, '--temperature', '0', '--max-tokens', '5'], { input, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\[sql \(route confidence [01]\.\d\d, linear\) · \d+ tokens at [\d.]+ tok\/s/);
    expect(run.stdout).toMatch(/\[poet \(chosen\) · /);
    expect(run.stdout).toContain('[error: no skill "nope"; known: poet, sql (SKILL_NOT_FOUND)]');
    expect(run.stdout).toMatch(/\[poet \(route confidence [01]\.\d\d, linear\)/);
    expect(run.stdout).toContain('[history cleared]');
    expect(run.stdout).toMatch(/\[turns 3 \(sql 1, poet 2\) · history 0 of 2048 tokens/);
  });

  it('refuses --skill without --skills with a clear message', async () => {
    const run = await runCliInProcess(['chat', '--model', fixture.modelDir, '--skill', 'sql'], { input: ['/quit'], env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--skill sql needs --skills DIR');
  });
});

describe('plugboard generate --skill', () => {
  it('loads the skill\'s adapter into a bank slot and generates with it (other tokens than the base model)', async () => {
    const args = ['generate', '--model', fixture.modelDir, '--prompt', 'count the users', '--temperature', '0', '--max-tokens', '8'];
    const base = await runCliInProcess(args, { env });
    const skilled = await runCliInProcess([...args, '--skill', join(fixture.skillsDir, 'sql')], { env });
    expect(skilled.code, skilled.stderr).toBe(0);
    expect(skilled.stderr).toContain('[skill sql, slot 1 · ');
    expect(base.code, base.stderr).toBe(0);
    expect(skilled.stdout).not.toBe(base.stdout);
  });
});
