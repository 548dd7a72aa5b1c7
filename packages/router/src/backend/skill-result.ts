import { z } from 'zod';
import { ChatMessageSchema } from '@plugboard/core';

/** A tool call the model made, arguments parsed from JSON. */
export const BackendToolCallSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  args: z.record(z.string(), z.unknown()),
});
export type BackendToolCall = z.infer<typeof BackendToolCallSchema>;

/** A tool call the model tried to make but that cannot be run as written (the agent reports it back to the model). */
export const InvalidToolCallSchema = z.object({
  id: z.string().min(1),
  name: z.string().nullable(),
  raw: z.string(),
  error: z.string(),
});
export type InvalidToolCall = z.infer<typeof InvalidToolCallSchema>;

/** What streams while a backend generates: visible text, and tool calls (local backends deliver each call whole when its block closes). */
export const SkillDeltaSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({
    type: z.literal('tool-call'),
    index: z.number().int().nonnegative(),
    id: z.string(),
    name: z.string(),
    argsText: z.string(),
    /** why the call cannot run as written (argsText is then the raw body), where the backend knows when the call closes */
    error: z.string().optional(),
  }),
]);
export type SkillDelta = z.infer<typeof SkillDeltaSchema>;

export const SkillFinishReasonSchema = z.enum(['stop', 'length', 'tool-calls', 'aborted']);
export type SkillFinishReason = z.infer<typeof SkillFinishReasonSchema>;

export const SkillUsageSchema = z.object({
  /** tokens of the whole prompt */
  promptTokens: z.number().int().nonnegative(),
  /** of those, served from the KV cache (not prefilled again) */
  cachedTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
});
export type SkillUsage = z.infer<typeof SkillUsageSchema>;

export const SkillTimingsSchema = z.object({ ttftMs: z.number(), totalMs: z.number(), decodeTokensPerSecond: z.number() });

export const SkillResultSchema = z.object({
  /** the visible answer (tool-call markup removed) */
  text: z.string(),
  toolCalls: z.array(BackendToolCallSchema),
  invalidToolCalls: z.array(InvalidToolCallSchema),
  finishReason: SkillFinishReasonSchema,
  usage: SkillUsageSchema,
  timings: SkillTimingsSchema,
  /** the turn as it belongs in the history, so the next request extends this one exactly (a local backend keeps its raw text) */
  message: ChatMessageSchema,
  /** messages left out of the prompt to fit the context (oldest first; 0 when it fit) */
  droppedMessages: z.number().int().nonnegative(),
});
export type SkillResult = z.infer<typeof SkillResultSchema>;
