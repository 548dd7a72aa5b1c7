import { z } from 'zod';
import { ChatMessageSchema, ToolChoiceSchema, ToolSpecSchema } from '@plugboard/core';
import { GenerationDefaultsSchema } from '@plugboard/skills';

// a tool as every backend receives it: core's ToolSpecSchema (what chat templates render)
export { ToolSpecSchema } from '@plugboard/core';
export type { ToolSpec } from '@plugboard/core';

/** What the reply must be: free text, or one JSON value of a JSON Schema. */
export const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()), name: z.string().optional() }),
]);
export type ResponseFormat = z.infer<typeof ResponseFormatSchema>;

/**
 * One generation request, text level: everything is plain data (no tensors,
 * no sessions), so a backend can be a local runtime or an HTTP engine.
 * `messages` is the whole composed prompt (skill prompts already in place).
 */
export const SkillRequestSchema = z.strictObject({
  messages: z.array(ChatMessageSchema).min(1),
  tools: z.array(ToolSpecSchema).default([]),
  /** the skill to run (an adapter name); null: the base model */
  skill: z.string().min(1).nullable().default(null),
  sampling: GenerationDefaultsSchema.default({}),
  responseFormat: ResponseFormatSchema.default({ type: 'text' }),
  toolChoice: ToolChoiceSchema.default('auto'),
  /** decode under a token mask: true also constrains `auto` tool calls, false nothing; omitted: the backend's policy (see constraintFor) */
  constrained: z.boolean().optional(),
  /** tool-call ids are this prefix + the call's index (unique over a conversation) */
  toolCallIdPrefix: z.string().min(1).optional(),
  /** requests of one conversation (an agent run) share an adapter lane; swap events name it */
  conversation: z.string().min(1).optional(),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, 'an AbortSignal').optional(),
});
export type SkillRequest = z.infer<typeof SkillRequestSchema>;
export type SkillRequestInput = z.input<typeof SkillRequestSchema>;
