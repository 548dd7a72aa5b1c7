/**
 * Test-only: runs the real `plugboard` command in a child process, the way a
 * user does — `runCli` writing `input` lines to its stdin, `runCliSync` for
 * one-shot commands — and collects what it prints.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const MAIN = join(REPO_ROOT, 'packages', 'cli', 'src', 'main.ts');
const ARGS = ['--import', 'tsx', MAIN];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { input?: string[]; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...ARGS, ...args], { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    for (const line of options.input ?? []) child.stdin.write(`${line}\n`);
    child.stdin.end();
  });
}

/** `node --import tsx packages/cli/src/main.ts ...args`, from the repo root unless `cwd` says otherwise. */
export function runCliSync(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): CliRun {
  const result = spawnSync(process.execPath, [...ARGS, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
