import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The README's serve section, as written: a fixture model, demo skills, `plugboard serve`, then curl, openai and ChatOpenAI against it.
const root = join(import.meta.dirname, '..', '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'plugboard-serve-readme-'));
const tsx = (args: string[], env: Record<string, string> = {}) =>
  execFileSync(process.execPath, ['--import', 'tsx', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });

let server: ChildProcess;
let url = '';
beforeAll(async () => {
  tsx(['packages/cli/src/main.ts', 'fixture', '--out', join(tmp, 'model')]);
  tsx(['packages/server/examples/demo-skills.ts', join(tmp, 'model'), join(tmp, 'skills')]);
  server = spawn(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', 'serve', '--model', join(tmp, 'model'), '--skills', join(tmp, 'skills'), '--port', '0'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  url = await new Promise<string>((resolve, reject) => {
    let err = '';
    server.stderr?.on('data', (data: Buffer) => {
      err += data.toString();
      const match = /serving on (http:\/\/\S+)/.exec(err);
      if (match?.[1]) resolve(match[1]);
    });
    server.once('exit', (code) => reject(new Error(`plugboard serve exited (${code}): ${err}`)));
  });
}, 240_000);
afterAll(async () => {
  if (server?.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe('README: plugboard serve', () => {
  it('answers the curl example with a routed completion from the real (random) model', () => {
    const body = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Write a SQL query over the users table' }], max_tokens: 8 });
    const out = execFileSync('curl', ['-s', '-i', `${url}/v1/chat/completions`, '-H', 'content-type: application/json', '-d', body], { encoding: 'utf8' });
    expect(out).toMatch(/x-plugboard-skill: sql/i);
    const json = JSON.parse(out.slice(out.indexOf('{'))) as { choices: Array<{ finish_reason: string }>; usage: { completion_tokens: number } };
    expect(json.usage.completion_tokens).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(json.choices[0]?.finish_reason);
  });

  it('runs the openai client example (models, a streamed routed reply, usage)', () => {
    const out = tsx(['packages/server/examples/openai-client.ts'], { PLUGBOARD_URL: `${url}/v1` });
    expect(out).toContain('models: model, auto, hr, sql');
    expect(out).toMatch(/streamed [1-9]\d* tokens/);
  });

  it('runs the LangChain ChatOpenAI example on a pinned skill', () => {
    expect(tsx(['packages/server/examples/langchain-chat.ts'], { PLUGBOARD_URL: `${url}/v1` })).toMatch(/sql skill: \d+ characters, [1-9]\d* tokens/);
  });
});
