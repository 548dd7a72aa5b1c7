import type { BaseLanguageModelInput, StructuredOutputMethodOptions } from '@langchain/core/language_models/base';
import { assembleStructuredOutputPipeline, createContentParser, createFunctionCallingParser } from '@langchain/core/language_models/structured_output';
import type { AIMessageChunk } from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import { isSerializableSchema } from '@langchain/core/utils/standard_schema';
import type { SerializableSchema } from '@langchain/core/utils/standard_schema';
import { isInteropZodSchema } from '@langchain/core/utils/types';
import type { InteropZodType } from '@langchain/core/utils/types';
import { PlugboardError } from '@plugboard/core';
import type { PlugboardChatModel, PlugboardChatModelCallOptions } from './plugboard-chat-model.ts';
import { RequiredToolCallParser } from './required-tool-call-parser.ts';

export type StructuredOutputSchema<T> = InteropZodType<T> | SerializableSchema<T> | Record<string, unknown>;

export type PlugboardStructuredOutputOptions = StructuredOutputMethodOptions<boolean> & {
  /** decode under a token mask so the output always parses (default true; off where the runtime cannot yet) */
  constrained?: boolean;
};

/** The raw reply is the AIMessageChunk the model returned. */
export type StructuredRunnable<T> = Runnable<BaseLanguageModelInput, T> | Runnable<BaseLanguageModelInput, { raw: AIMessageChunk; parsed: T }>;

/**
 * `withStructuredOutput` for PlugboardChatModel. `functionCalling` (default)
 * binds one tool with the schema and forces it (`tool_choice` = its name);
 * `jsonSchema` asks for a JSON reply (`response_format`). Either way the
 * call is constrained by default, and the schema (zod or JSON Schema)
 * validates what is parsed; `includeRaw` adds the raw AIMessageChunk.
 */
export function structuredOutput<T extends Record<string, unknown>>(model: PlugboardChatModel, schema: StructuredOutputSchema<T>, options: PlugboardStructuredOutputOptions = {}): StructuredRunnable<T> {
  const method = options.method ?? 'functionCalling';
  const jsonSchema = (isInteropZodSchema(schema) || isSerializableSchema(schema) ? toJsonSchema(schema) : schema) as Record<string, unknown>;
  const name = options.name ?? (typeof jsonSchema.title === 'string' ? jsonSchema.title : 'extract');
  const traced: Partial<PlugboardChatModelCallOptions> = { ls_structured_output_format: { kwargs: { method }, schema: jsonSchema } };
  // `strict` (OpenAI's "the output follows the schema") is what constrained decoding, on by default, gives
  if (options.constrained !== undefined) traced.constrained = options.constrained;
  const runName = options.includeRaw ? 'StructuredOutputRunnable' : 'StructuredOutput';
  if (method === 'functionCalling') {
    const description = typeof jsonSchema.description === 'string' ? jsonSchema.description : `Return the answer as ${name}.`;
    const tool = { type: 'function', function: { name, description, parameters: jsonSchema } };
    const llm = model.withConfig({ ...traced, tools: [tool], tool_choice: name });
    return assembleStructuredOutputPipeline<T>(llm, createFunctionCallingParser<T>(schema, name, RequiredToolCallParser), options.includeRaw, runName) as StructuredRunnable<T>;
  }
  if (method === 'jsonSchema') {
    const llm = model.withConfig({ ...traced, response_format: { type: 'json_schema', json_schema: { name, schema: jsonSchema } } });
    return assembleStructuredOutputPipeline<T>(llm, createContentParser<T>(schema), options.includeRaw, runName) as StructuredRunnable<T>;
  }
  throw new PlugboardError('INVALID_ARGUMENT', `withStructuredOutput method "${method}" is not supported by PlugboardChatModel; use "functionCalling" (default) or "jsonSchema"`);
}
