import { z } from 'zod';

/** OpenAI message content: a string or text parts (other part types are not supported by a text model). */
const ContentSchema = z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }).loose()), z.null()]).optional();

const MessageSchema = z
  .object({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
    content: ContentSchema,
    name: z.string().optional(),
    tool_call_id: z.string().optional(),
    tool_calls: z.array(z.object({ id: z.string(), type: z.literal('function').default('function'), function: z.object({ name: z.string(), arguments: z.string() }) }).loose()).optional(),
  })
  .loose();

const ToolSchema = z.object({
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() }).loose(),
});

/** The OpenAI chat completions body; unknown fields pass (clients send many we do not use). */
export const ChatCompletionRequestSchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(MessageSchema).min(1),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).loose().nullish(),
    tools: z.array(ToolSchema).nullish(),
    tool_choice: z.union([z.enum(['auto', 'required', 'none']), z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) })]).nullish(),
    response_format: z
      .union([z.object({ type: z.enum(['text', 'json_object']) }), z.object({ type: z.literal('json_schema'), json_schema: z.object({ name: z.string(), schema: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullish() }).loose() })])
      .nullish(),
    n: z.number().int().min(1).max(8).nullish(),
    stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
    max_tokens: z.number().int().positive().nullish(),
    max_completion_tokens: z.number().int().positive().nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().gt(0).max(1).nullish(),
    seed: z.number().int().nullish(),
    logprobs: z.boolean().nullish(),
    top_logprobs: z.number().int().min(0).max(20).nullish(),
    user: z.string().nullish(),
  })
  .loose();
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;

export const EmbeddingsRequestSchema = z
  .object({
    model: z.string().min(1),
    input: z.union([z.string(), z.array(z.string()).min(1)]),
    encoding_format: z.enum(['float', 'base64']).nullish(),
  })
  .loose();
export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequestSchema>;

/** vLLM's adapter endpoints. */
export const LoadLoraRequestSchema = z.object({ lora_name: z.string().min(1), lora_path: z.string().min(1) }).loose();
export const UnloadLoraRequestSchema = z.object({ lora_name: z.string().min(1) }).loose();

export const RolloutUpdateSchema = z.object({ versions: z.array(z.object({ version: z.string().min(1), weight: z.number().nonnegative() })).min(1), shadow: z.string().min(1).nullish() });
