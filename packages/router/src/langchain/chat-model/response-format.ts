import type { ChatMessage, ConstraintSpec } from '@plugboard/core';

/** A reply that is one JSON value of a JSON Schema: the constraint's own shape, so the call option passes through as is. */
export type JsonResponseFormat = Extract<ConstraintSpec, { type: 'json_schema' }>;

/**
 * The messages with the schema stated in the system turn: the model must know
 * what to write even where no token mask enforces it (the instruction goes
 * first so the rest of the transcript's cached prefix stays the same).
 */
export function withFormatInstruction(messages: readonly ChatMessage[], format: JsonResponseFormat): ChatMessage[] {
  const instruction = `Reply with only a JSON value, no other text, that matches this JSON Schema${format.name === undefined ? '' : ` ("${format.name}")`}:\n${JSON.stringify(format.schema)}`;
  const [first, ...rest] = messages;
  if (first?.role === 'system') return [{ ...first, content: first.content ? `${first.content}\n\n${instruction}` : instruction }, ...rest];
  return [{ role: 'system', content: instruction }, ...messages];
}
