import { isPlugboardError, PlugboardError } from '@plugboard/core';
import type { ChatMessage } from '@plugboard/core';
import type { Skill } from '@plugboard/skills';
import type { AgentEvent } from '../events/agent-events.ts';
import type { RunRecorder } from '../events/run-recorder.ts';
import type { ParsedToolCall, ToolCallAttempt } from '../tool-calls/parse-tool-calls.ts';
import { isParsedToolCall } from '../tool-calls/parse-tool-calls.ts';
import type { AgentTool } from './agent-tool.ts';
import { errorObservation, failureOf } from './error-observation.ts';
import { runTool } from './run-tool.ts';
import { truncateToolResult } from './truncate-tool-result.ts';

export interface ToolStepContext {
  tools: ReadonlyMap<string, AgentTool>;
  /** the step's skill: when its manifest has `tools`, only those may be called ([] = none) */
  skill: Skill | null;
  timeoutMs: number;
  signal?: AbortSignal;
  recorder: RunRecorder;
}

export interface ToolCallRecord {
  id: string;
  name: string | null;
  args: Record<string, unknown> | null;
  ok: boolean;
  content: string;
}

/**
 * Runs a step's tool calls in order and returns their records; every failure
 * (malformed call, unknown or disallowed tool, invalid arguments, a throw, a
 * timeout) becomes an error observation the model reads next step, plus an
 * `error` event. Only cancellation of the run escapes (ABORTED).
 */
export async function* callTools(calls: readonly ToolCallAttempt[], context: ToolStepContext): AsyncGenerator<AgentEvent, ToolCallRecord[]> {
  const records: ToolCallRecord[] = [];
  for (const call of calls) {
    const started = performance.now();
    let content: string;
    let ok = false;
    if (isParsedToolCall(call)) {
      context.recorder.record('tool:call', { id: call.id, name: call.name, args: call.args });
      yield* context.recorder.drain();
      try {
        content = await runTool(toolFor(call, context), call.args, { timeoutMs: context.timeoutMs, signal: context.signal });
        ok = true;
      } catch (error) {
        if (isPlugboardError(error, 'ABORTED')) throw error;
        content = reportFailure(error, call.name, context);
      }
    } else {
      content = reportFailure(new PlugboardError('INVALID_ARGUMENT', `malformed tool call: ${call.error}`), call.name ?? undefined, context);
    }
    const name = call.name ?? 'unknown';
    context.recorder.record('tool:result', { id: call.id, name, ok, content, ms: performance.now() - started });
    yield* context.recorder.drain();
    records.push({ id: call.id, name: call.name, args: isParsedToolCall(call) ? call.args : null, ok, content });
  }
  return records;
}

/** The messages that feed the tool results to the model, each cut to `maxChars`. */
export function toolMessages(records: readonly ToolCallRecord[], maxChars: number): ChatMessage[] {
  return records.map((r) => ({ role: 'tool', name: r.name ?? 'unknown', tool_call_id: r.id, content: truncateToolResult(r.content, maxChars) }));
}

function toolFor(call: ParsedToolCall, context: ToolStepContext): AgentTool {
  const tool = context.tools.get(call.name);
  if (tool === undefined) {
    throw new PlugboardError('INVALID_ARGUMENT', `there is no tool named "${call.name}"; available: ${[...context.tools.keys()].join(', ') || '(none)'}`);
  }
  // a skill's `tools` absent = every tool; [] = none
  const allowed = context.skill?.manifest.tools;
  if (allowed !== undefined && !allowed.includes(call.name)) {
    throw new PlugboardError('INVALID_ARGUMENT', `skill "${context.skill?.manifest.name}" may not call "${call.name}"; it may call: ${allowed.join(', ') || '(no tools)'}`);
  }
  return tool;
}

function reportFailure(error: unknown, tool: string | undefined, context: ToolStepContext): string {
  const failure = failureOf(error);
  context.recorder.record('error', tool === undefined ? failure : { ...failure, tool });
  return errorObservation(failure);
}
