import { z } from 'zod';
import { BottleneckSpecSchema, LoraSpecSchema, QuantizationSchema } from '@plugboard/core';

/** Which adapter parameters the training graph carries besides the base weights (none = the base model). */
export const GraphMethodSchema = z.object({
  /** LoRA on the chosen projections (core's spec; tensors as core's loraTensorSpecs names them) */
  lora: LoraSpecSchema.optional(),
  /** a bottleneck adapter after each chosen layer's MLP (core's spec and tensors) */
  bottleneck: BottleneckSpecSchema.optional(),
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
