import { isInteropZodSchema, interopSafeParseAsync } from '@langchain/core/utils/types';
import { isPlugboardError, PlugboardError } from '@plugboard/core';
import type { AgentTool } from './agent-tool.ts';
import { raceAbort } from './abort-race.ts';

export interface RunToolOptions {
  timeoutMs: number;
  /** the run's signal: when it aborts, the call ends with ABORTED */
  signal?: AbortSignal;
}

/**
 * Validates `args` with the tool's zod schema, runs the tool, and returns its
 * output as the text the model reads. Every failure is a PlugboardError:
 * INVALID_ARGUMENT (arguments), TOOL_TIMEOUT, TOOL_ERROR (the tool threw; a
 * PlugboardError it throws keeps its code), ABORTED (the run was cancelled).
 */
export async function runTool(tool: AgentTool, args: Record<string, unknown>, options: RunToolOptions): Promise<string> {
  await checkArguments(tool, args);
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new PlugboardError('TOOL_TIMEOUT', `tool "${tool.name}" did not finish within ${options.timeoutMs} ms; it may be stuck, or raise toolTimeoutMs`)),
    options.timeoutMs,
  );
  const signal = options.signal ? AbortSignal.any([timeout.signal, options.signal]) : timeout.signal;
  try {
    const output: unknown = await raceAbort(tool.invoke(args, { signal }), signal);
    return typeof output === 'string' ? output : JSON.stringify(output);
  } catch (error) {
    if (options.signal?.aborted) throw new PlugboardError('ABORTED', `the run was aborted while tool "${tool.name}" ran`, { cause: options.signal.reason });
    if (isPlugboardError(error)) throw error;
    throw new PlugboardError('TOOL_ERROR', `tool "${tool.name}" failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

async function checkArguments(tool: AgentTool, args: Record<string, unknown>): Promise<void> {
  if (!isInteropZodSchema(tool.schema)) return; // a JSON-schema tool validates inside invoke
  const parsed = await interopSafeParseAsync(tool.schema, args);
  if (parsed.success) return;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  throw new PlugboardError('INVALID_ARGUMENT', `invalid arguments for tool "${tool.name}": ${problems}; call it with arguments matching its schema`, {
    details: { tool: tool.name },
  });
}
