import { z } from 'zod';
import { BOTTLENECK_ACTIVATIONS, LORA_MODULES } from '@plugboard/core';

const LoraFields = {
  rank: z.number().int().positive().default(8),
  alpha: z.number().positive().default(16),
  useRslora: z.boolean().default(false),
  modules: z.array(z.enum(LORA_MODULES)).min(1).default(['q', 'k', 'v', 'o']),
};

export const MethodOptionsSchema = z.discriminatedUnion('kind', [
  /** every base weight (pretraining, full fine-tuning) */
  z.object({ kind: z.literal('full') }),
  z.object({ kind: z.literal('lora'), ...LoraFields, layers: z.array(z.number().int().nonnegative()).optional() }),
  /** bottleneck adapter after the MLP; up starts at zero so training starts from the base model */
  z.object({
    kind: z.literal('adapter'),
    width: z.number().int().positive().default(16),
    activation: z.enum(BOTTLENECK_ACTIVATIONS).default('gelu'),
    layers: z.array(z.number().int().nonnegative()).optional(),
  }),
  /** LoRA only in the top-k layers ranked by a gradient-norm probe on the skill's data */
  z.object({
    kind: z.literal('lisa'),
    ...LoraFields,
    topK: z.number().int().positive().default(2),
    probeBatches: z.number().int().positive().default(4),
  }),
  /** Pan et al. 2024: every `period` steps, γ randomly sampled layers train in full; embedding and head always */
  z.object({
    kind: z.literal('lisa-sampling'),
    gamma: z.number().int().positive().default(2),
    period: z.number().int().positive().default(5),
  }),
]);
export type MethodOptions = z.infer<typeof MethodOptionsSchema>;
export type MethodOptionsInput = z.input<typeof MethodOptionsSchema>;
export type MethodKind = MethodOptions['kind'];
