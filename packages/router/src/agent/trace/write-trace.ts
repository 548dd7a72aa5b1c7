import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AgentEvent } from '../events/agent-events.ts';

/** One trace line: an event with its time since the run started. */
export type TraceEntry = AgentEvent & { ms: number };

/** Writes a run's trace as JSON Lines (one event per line), creating the folder. */
export function writeTrace(path: string, trace: readonly TraceEntry[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, trace.map((entry) => JSON.stringify(entry)).join('\n') + (trace.length > 0 ? '\n' : ''));
}
