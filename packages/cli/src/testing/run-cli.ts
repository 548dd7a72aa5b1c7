/**
 * Test-only: runs the `plugboard` command and collects what it prints — in
 * this process (`runCliInProcess`: the same `runPlugboard` that `main.ts`
 * calls, without seconds of module loading per call), or in a child process,
 * the way a user does (`runCli` writing `input` lines to its stdin,
 * `runCliSync` for one-shot commands).
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runPlugboard } from '../program.ts';

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

let inProcessRunning = false;

/**
 * `plugboard ...args` in this process: stdout and stderr writes are captured
 * (every command writes through `process.stdout` / `process.stderr`),
 * `input` lines stand in for a piped (non-TTY) stdin, `env` is set for the
 * call, and `process.exitCode` is restored afterwards. One call at a time —
 * the capture is process-wide.
 */
export async function runCliInProcess(args: readonly string[], options: { input?: string[]; env?: Record<string, string> } = {}): Promise<CliRun> {
  if (inProcessRunning) throw new Error('runCliInProcess: one call at a time (stdout capture is process-wide)');
  inProcessRunning = true;
  const captured = { stdout: '', stderr: '' };
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  const capture = (stream: 'stdout' | 'stderr') =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      captured[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof process.stdout.write;
  const savedEnv = Object.fromEntries(Object.keys(options.env ?? {}).map((k) => [k, process.env[k]]));
  const savedExitCode = process.exitCode;
  Object.assign(process.env, options.env);
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  const stdin = Object.getOwnPropertyDescriptor(process, 'stdin');
  if (options.input) Object.defineProperty(process, 'stdin', { configurable: true, value: Readable.from(options.input.map((line) => `${line}\n`)) });
  try {
    const code = await runPlugboard(args, { exitOverride: true });
    return { code, ...captured };
  } finally {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
    if (options.input && stdin) Object.defineProperty(process, 'stdin', stdin);
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    process.exitCode = savedExitCode;
    inProcessRunning = false;
  }
}
