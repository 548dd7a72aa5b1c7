import { z } from 'zod';
import { ChatMessageSchema, ToolSpecSchema } from '@plugboard/core';

/** One JSONL line: a prompt/completion pair (loss on the completion) ... */
export const PromptCompletionSchema = z.strictObject({
  prompt: z.string(),
  completion: z.string().min(1, 'completion is empty'),
});

/**
 * ... or a chat (loss on the assistant turns), rendered with the model's chat
 * template; `tools` are rendered as at inference (the agent sends its tools every step).
 */
export const ChatExampleSchema = z.strictObject({
  tools: z.array(ToolSpecSchema).optional(),
  messages: z
    .array(ChatMessageSchema)
    .min(1, 'messages is empty')
    .refine((messages) => messages.some((m) => m.role === 'assistant' && (m.content ?? '') !== ''), {
      message: 'messages has no assistant turn with content, so there is nothing to learn',
    }),
});

export const TrainingExampleSchema = z.union([PromptCompletionSchema, ChatExampleSchema]);

export type PromptCompletionExample = z.infer<typeof PromptCompletionSchema>;
export type ChatExample = z.infer<typeof ChatExampleSchema>;
export type TrainingExample = z.infer<typeof TrainingExampleSchema>;
