import { z } from 'zod';

/**
 * What a generation's output must be, decoded under a token mask so it always
 * parses: a JSON value of a JSON Schema (`responseFormat`), or tool calls
 * (`<tool_call>{"name", "arguments"}</tool_call>` blocks, arguments valid
 * against the chosen tool's JSON Schema) under a tool choice.
 */
export const ToolChoiceSchema = z.union([z.enum(['auto', 'required', 'none']), z.strictObject({ name: z.string().min(1) })]);
export type ToolChoice = z.infer<typeof ToolChoiceSchema>;

/** A tool as the constraint sees it: its name and its arguments' JSON Schema. */
export const ConstrainedToolSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  /** JSON Schema of the arguments object */
  parameters: z.record(z.string(), z.unknown()),
});
export type ConstrainedTool = z.infer<typeof ConstrainedToolSchema>;

export const ConstraintSpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()), name: z.string().optional() }),
  z.object({
    type: z.literal('tool_calls'),
    tools: z.array(ConstrainedToolSchema),
    toolChoice: ToolChoiceSchema.default('auto'),
    /** most calls in one output (unbounded by default; a named tool choice makes exactly one) */
    maxCalls: z.number().int().positive().optional(),
  }),
]);
export type ConstraintSpec = z.input<typeof ConstraintSpecSchema>;
