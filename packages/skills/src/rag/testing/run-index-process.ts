/** Test-only: spawns index-process.ts in a fresh Node process and parses what it printed. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ProcessRequest } from './index-process-request.ts';

const SCRIPT = fileURLToPath(new URL('./index-process.ts', import.meta.url));

export interface ProcessOutcome {
  /** The signal that ended the process (SIGKILL for an injected kill), or null. */
  signal: NodeJS.Signals | null;
  code: number | null;
  output: unknown;
  stderr: string;
}

export function runIndexProcess(request: ProcessRequest): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(request)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LANCEDB_LOG: 'error' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const line = stdout.trim().split('\n').at(-1) ?? '';
      resolve({ code, signal, stderr, output: line === '' ? null : (JSON.parse(line) as unknown) });
    });
  });
}
