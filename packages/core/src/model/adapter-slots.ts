import { z } from 'zod';
import type { ModelConfig } from '../hf/config.ts';
import { LayerSelectionSchema, adapterLayers } from '../adapters/layer-selection.ts';
import { LoraSlotsSchema } from '../adapters/lora/lora-spec.ts';
import { loraTensorSpecs } from '../adapters/lora/lora-tensors.ts';

export const BOTTLENECK_ACTIVATIONS = ['gelu', 'relu', 'silu'] as const;
export type BottleneckActivation = (typeof BOTTLENECK_ACTIVATIONS)[number];

/**
 * The adapter slots a graph is built with: stacked per-slot tensors that are
 * ordinary graph inputs (DESIGN.md "graph IO contract"). Slot 0 stays all
 * zeros and means "base model".
 */
export const AdapterSlotLayoutSchema = z.object({
  /** resident slots, slot 0 included */
  slots: z.number().int().min(1),
  lora: LoraSlotsSchema.optional(),
  bottleneck: z
    .object({
      width: z.number().int().positive(),
      activation: z.enum(BOTTLENECK_ACTIVATIONS).default('gelu'),
      layers: LayerSelectionSchema,
    })
    .optional(),
});

export type AdapterSlotLayout = z.infer<typeof AdapterSlotLayoutSchema>;

export type BottleneckPart = 'down' | 'down_bias' | 'up' | 'up_bias';
export function bottleneckInputName(layer: number, part: BottleneckPart): string {
  return `adapter.${layer}.${part}`;
}

export interface SlotTensorSpec {
  name: string;
  dims: number[];
}

/** Every adapter slot graph input (besides adapter_index / adapter_mask), with its dims. */
export function slotTensorSpecs(config: ModelConfig, layout: AdapterSlotLayout): SlotTensorSpec[] {
  const specs: SlotTensorSpec[] = [];
  const n = layout.slots;
  if (layout.lora) for (const { name, dims } of loraTensorSpecs(config, layout.lora)) specs.push({ name, dims: [n, ...dims] });
  if (layout.bottleneck) {
    const m = layout.bottleneck.width;
    const d = config.hiddenSize;
    for (const layer of adapterLayers(config, layout.bottleneck)) {
      specs.push({ name: bottleneckInputName(layer, 'down'), dims: [n, d, m] });
      specs.push({ name: bottleneckInputName(layer, 'down_bias'), dims: [n, m] });
      specs.push({ name: bottleneckInputName(layer, 'up'), dims: [n, m, d] });
      specs.push({ name: bottleneckInputName(layer, 'up_bias'), dims: [n, d] });
    }
  }
  return specs;
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
