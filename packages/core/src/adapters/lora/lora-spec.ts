import { z } from 'zod';
import { LayerSelectionSchema } from '../layer-selection.ts';
import { LORA_MODULES } from './lora-modules.ts';

/**
 * A LoRA: rank r, scaling alpha/r (alpha/√r with rsLoRA), on some projections
 * of some layers (LISA: a few chosen layers). The one schema of the kind:
 * training graphs take it whole, method options add defaults to its fields,
 * slot layouts pick what the slots need, and PEFT's adapter_config.json is
 * written from it (peftLoraConfigFor).
 */
export const LoraSpecSchema = z.object({
  rank: z.number().int().positive(),
  alpha: z.number().positive(),
  /** scaling alpha/sqrt(r) instead of alpha/r */
  useRslora: z.boolean().default(false),
  modules: z.array(z.enum(LORA_MODULES)).min(1),
  /** layers that carry LoRA; all layers when omitted */
  layers: LayerSelectionSchema,
});
export type LoraSpec = z.infer<typeof LoraSpecSchema>;
export type LoraSpecInput = z.input<typeof LoraSpecSchema>;

/** What a graph's LoRA slots need: the scaling is folded into b when an adapter is copied in. */
export const LoraSlotsSchema = LoraSpecSchema.pick({ rank: true, modules: true, layers: true });
export type LoraSlots = z.infer<typeof LoraSlotsSchema>;
