import { z } from 'zod';
import { PlugboardError } from '@plugboard/core';
import type { ChatMessage, ConstraintSpec } from '@plugboard/core';

/**
 * OpenAI's `response_format`, the shape LangChain's own callers send it in
 * (createAgent's providerStrategy, our withStructuredOutput "jsonSchema"):
 * `json_schema` asks for one JSON value of the schema; `text` for none.
 */
export const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({ name: z.string().optional(), description: z.string().optional(), schema: z.record(z.string(), z.unknown()), strict: z.boolean().optional() }),
  }),
]);
export type ResponseFormat = z.infer<typeof ResponseFormatSchema>;
export type JsonResponseFormat = Extract<ResponseFormat, { type: 'json_schema' }>['json_schema'];

/** The JSON Schema asked for, or null for free text; anything else is INVALID_ARGUMENT. */
export function jsonFormatOf(format: unknown): JsonResponseFormat | null {
  if (format === undefined) return null;
  const parsed = ResponseFormatSchema.safeParse(format);
  if (!parsed.success) {
    throw new PlugboardError('INVALID_ARGUMENT', `response_format ${JSON.stringify(format)} is not supported; use {type: "json_schema", json_schema: {name, schema}} or {type: "text"}`);
  }
  return parsed.data.type === 'json_schema' ? parsed.data.json_schema : null;
}

export function formatConstraint(format: JsonResponseFormat): ConstraintSpec {
  return format.name === undefined ? { type: 'json_schema', schema: format.schema } : { type: 'json_schema', schema: format.schema, name: format.name };
}

/**
 * The messages with the schema stated in the system turn: the model must know
 * what to write even where no token mask enforces it (the instruction goes
 * first so the rest of the transcript's cached prefix stays the same).
 */
export function withFormatInstruction(messages: readonly ChatMessage[], format: JsonResponseFormat): ChatMessage[] {
  const named = format.name === undefined ? '' : ` ("${format.name}"${format.description === undefined ? '' : `: ${format.description}`})`;
  const instruction = `Reply with only a JSON value, no other text, that matches this JSON Schema${named}:\n${JSON.stringify(format.schema)}`;
  const [first, ...rest] = messages;
  if (first?.role === 'system') return [{ ...first, content: first.content ? `${first.content}\n\n${instruction}` : instruction }, ...rest];
  return [{ role: 'system', content: instruction }, ...messages];
}
