import { z } from 'zod';
import type { ModelConfig } from '../hf/config.ts';
import { BottleneckSpecSchema } from '../adapters/bottleneck/bottleneck-spec.ts';
import { bottleneckTensorSpecs } from '../adapters/bottleneck/bottleneck-tensors.ts';
import { LoraSlotsSchema } from '../adapters/lora/lora-spec.ts';
import { loraTensorSpecs } from '../adapters/lora/lora-tensors.ts';

/**
 * The adapter slots a graph is built with: stacked per-slot tensors that are
 * ordinary graph inputs (DESIGN.md "graph IO contract"). Slot 0 stays all
 * zeros and means "base model". Each kind's part is that kind's spec.
 */
export const AdapterSlotLayoutSchema = z.object({
  /** resident slots, slot 0 included */
  slots: z.number().int().min(1),
  lora: LoraSlotsSchema.optional(),
  bottleneck: BottleneckSpecSchema.optional(),
});

export type AdapterSlotLayout = z.infer<typeof AdapterSlotLayoutSchema>;

export interface SlotTensorSpec {
  name: string;
  dims: number[];
}

/** Every adapter slot graph input (besides adapter_index / adapter_mask): each kind's tensors with the slot axis in front. */
export function slotTensorSpecs(config: ModelConfig, layout: AdapterSlotLayout): SlotTensorSpec[] {
  const n = layout.slots;
  const tensors = [
    ...(layout.lora ? loraTensorSpecs(config, layout.lora) : []),
    ...(layout.bottleneck ? bottleneckTensorSpecs(config, layout.bottleneck) : []),
  ];
  return tensors.map(({ name, dims }) => ({ name, dims: [n, ...dims] }));
}

export interface SlotTensor {
  dims: number[];
  data: Float32Array;
}

/** Zero-filled slot tensors: every slot equals the base model. */
export function zeroSlotTensors(config: ModelConfig, layout: AdapterSlotLayout): Map<string, SlotTensor> {
  const out = new Map<string, SlotTensor>();
  for (const spec of slotTensorSpecs(config, layout)) {
    out.set(spec.name, { dims: spec.dims, data: new Float32Array(spec.dims.reduce((a, b) => a * b, 1)) });
  }
  return out;
}
