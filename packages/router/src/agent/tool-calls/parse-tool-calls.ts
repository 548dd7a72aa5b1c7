import { z } from 'zod';
import { TOOL_CALL_OPEN } from '@plugboard/core';
import { ToolCallSplitter } from './tool-call-splitter.ts';

/** The JSON inside `<tool_call>`: Qwen/Hermes style `{"name", "arguments"}` (some models say "parameters"). */
const ToolCallBodySchema = z.union([
  // tried first: the other branch would accept it too, dropping "parameters" for empty arguments
  z.object({ name: z.string().min(1), parameters: z.record(z.string(), z.unknown()) }).transform((b) => ({ name: b.name, arguments: b.parameters })),
  z.object({ name: z.string().min(1), arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).default({}) }),
]);

export interface ParsedToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

/** A tool call the model tried to make but that cannot be run as written. */
export interface MalformedToolCall {
  id: string;
  /** the tool name, when it could be read */
  name: string | null;
  /** the text inside the tags */
  raw: string;
  error: string;
}

export type ToolCallAttempt = ParsedToolCall | MalformedToolCall;

export interface ToolCallParse {
  /** the text outside tool-call blocks, trimmed */
  text: string;
  /** every `<tool_call>` block in order, well-formed or not */
  calls: ToolCallAttempt[];
}

/** Parses one tool-call body; `id` names the call for the tool message that answers it. */
export function parseToolCallBody(raw: string, id: string): ToolCallAttempt {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return { id, name: null, raw, error: `the tool call is not valid JSON (${(error as Error).message}); write {"name": ..., "arguments": {...}}` };
  }
  const body = ToolCallBodySchema.safeParse(json);
  if (!body.success) return { id, name: nameOf(json), raw, error: 'the tool call needs a "name" string and an "arguments" object' };
  const { name, arguments: args } = body.data;
  if (typeof args !== 'string') return { id, name, args };
  try {
    const parsed: unknown = JSON.parse(args);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return { id, name, args: parsed as Record<string, unknown> };
  } catch {
    // reported below
  }
  return { id, name, raw, error: '"arguments" must be a JSON object' };
}

export function isParsedToolCall(call: ToolCallAttempt): call is ParsedToolCall {
  return 'args' in call;
}

/** Splits generated text into its answer text and its `<tool_call>{json}</tool_call>` calls, ids from `idPrefix`. */
export function parseToolCalls(text: string, idPrefix: string): ToolCallParse {
  const splitter = new ToolCallSplitter();
  const first = splitter.push(text);
  const last = splitter.end();
  const bodies = first.calls.map((raw) => ({ raw, closed: true }));
  if (last.unterminated !== null) bodies.push({ raw: last.unterminated, closed: false });
  const calls = bodies.map(({ raw, closed }, i): ToolCallAttempt => {
    const id = `${idPrefix}${i}`;
    if (closed) return parseToolCallBody(raw.trim(), id);
    return { id, name: null, raw, error: `the ${TOOL_CALL_OPEN} block was never closed (generation stopped early)` };
  });
  return { text: (first.text + last.text).trim(), calls };
}

function nameOf(json: unknown): string | null {
  if (typeof json !== 'object' || json === null || !('name' in json)) return null;
  return typeof json.name === 'string' ? json.name : null;
}
