import { z } from 'zod';
import { BOTTLENECK_ACTIVATIONS, LORA_MODULES, QuantizationSchema } from '@plugboard/core';

/** LoRA pairs in the training graph: PEFT orientation, A [r, in] and B [out, r]. */
export const LoraGraphSpecSchema = z.object({
  rank: z.number().int().positive(),
  alpha: z.number().positive(),
  /** scaling alpha/sqrt(r) instead of alpha/r */
  useRslora: z.boolean().default(false),
  modules: z.array(z.enum(LORA_MODULES)).min(1),
  /** layers that carry LoRA; all layers when omitted */
  layers: z.array(z.number().int().nonnegative()).optional(),
});
export type LoraGraphSpec = z.infer<typeof LoraGraphSpecSchema>;

/** A bottleneck adapter after each chosen layer's MLP: h + up(act(h down + down_bias)) + up_bias. */
export const BottleneckGraphSpecSchema = z.object({
  width: z.number().int().positive(),
  activation: z.enum(BOTTLENECK_ACTIVATIONS).default('gelu'),
  layers: z.array(z.number().int().nonnegative()).optional(),
});
export type BottleneckGraphSpec = z.infer<typeof BottleneckGraphSpecSchema>;

/** Which adapter parameters the training graph carries besides the base weights (none = the base model). */
export const GraphMethodSchema = z.object({
  lora: LoraGraphSpecSchema.optional(),
  bottleneck: BottleneckGraphSpecSchema.optional(),
});
export type GraphMethod = z.infer<typeof GraphMethodSchema>;
export type GraphMethodInput = z.input<typeof GraphMethodSchema>;

export const TrainingGraphOptionsSchema = z.object({
  batch: z.number().int().positive(),
  sequence: z.number().int().positive(),
  method: GraphMethodSchema.default({}),
  /** also output `logits` [B, S, V] (evaluation, tests) */
  logits: z.boolean().default(false),
  /**
   * a frozen quantized base (QLoRA): projections run as MatMulNBits over
   * packed weights baked into the graph, so they are no parameters; needs
   * the base weights at build time. null: fp32 base weights as parameters
   */
  quantization: QuantizationSchema.nullable().default(null),
});
export type TrainingGraphOptions = z.infer<typeof TrainingGraphOptionsSchema>;
export type TrainingGraphOptionsInput = z.input<typeof TrainingGraphOptionsSchema>;

export function loraScaling(spec: Pick<LoraGraphSpec, 'rank' | 'alpha' | 'useRslora'>): number {
  return spec.useRslora ? spec.alpha / Math.sqrt(spec.rank) : spec.alpha / spec.rank;
}
