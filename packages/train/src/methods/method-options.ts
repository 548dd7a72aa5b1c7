import { z } from 'zod';
import { BottleneckSpecSchema, LayerSelectionSchema, LoraSpecSchema } from '@plugboard/core';

/** core's LoRA spec with the defaults of a training run */
const lora = LoraSpecSchema.shape;
const LoraFields = {
  rank: lora.rank.default(8),
  alpha: lora.alpha.default(16),
  useRslora: lora.useRslora,
  modules: lora.modules.default(['q', 'k', 'v', 'o']),
};

/** core's bottleneck spec with the defaults of a training run */
const BottleneckFields = {
  width: BottleneckSpecSchema.shape.width.default(16),
  activation: BottleneckSpecSchema.shape.activation,
};

/** What LISA ranks layers by (see methods/importance-probes.ts). */
export const LAYER_PROBES = ['gradient', 'scan', 'progressive'] as const;
export type LayerProbe = (typeof LAYER_PROBES)[number];
/** LISA is a layer selection on either adapter kind. */
export const LISA_ADAPTER_KINDS = ['lora', 'bottleneck'] as const;

export const MethodOptionsSchema = z.discriminatedUnion('kind', [
  /** every base weight (pretraining, full fine-tuning) */
  z.object({ kind: z.literal('full') }),
  z.object({ kind: z.literal('lora'), ...LoraFields, layers: LayerSelectionSchema }),
  /** bottleneck adapter after the MLP; up starts at zero so training starts from the base model */
  z.object({
    kind: z.literal('adapter'),
    ...BottleneckFields,
    layers: LayerSelectionSchema,
  }),
  /** a LoRA (or bottleneck adapter) only in the top-k layers ranked by an importance probe on the skill's data */
  z.object({
    kind: z.literal('lisa'),
    adapterKind: z.enum(LISA_ADAPTER_KINDS).default('lora'),
    ...LoraFields,
    ...BottleneckFields,
    /** how many layers to keep, or 'auto': the smallest k whose top-k value is within `epsilon` of top-(k+1)'s */
    topK: z.union([z.number().int().positive(), z.literal('auto')]).default(2),
    /**
     * ε of `topK: 'auto'` and of the progressive probe's stop: k layers suffice
     * when V(k) ≥ (1 − ε)·V(k+1), V(k) being the summed scores of the first k
     * ranked layers (gradient norm, or held-out loss drop)
     */
    epsilon: z.number().min(0).max(1).default(0.05),
    probe: z.enum(LAYER_PROBES).default('gradient'),
    /** gradient probe: training batches it averages over */
    probeBatches: z.number().int().positive().default(4),
    /** scan / progressive: optimizer steps each short probe adapter trains */
    probeSteps: z.number().int().positive().default(8),
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
