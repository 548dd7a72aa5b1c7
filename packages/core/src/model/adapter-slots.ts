import { z } from 'zod';
import type { ModelConfig } from '../hf/config.ts';

/**
 * The adapter slots a graph is built with: stacked per-slot tensors that are
 * ordinary graph inputs (DESIGN.md "graph IO contract"). Slot 0 stays all
 * zeros and means "base model".
 */
export const LORA_MODULES = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;
export type LoraModule = (typeof LORA_MODULES)[number];

export const BOTTLENECK_ACTIVATIONS = ['gelu', 'relu', 'silu'] as const;
export type BottleneckActivation = (typeof BOTTLENECK_ACTIVATIONS)[number];

export const AdapterSlotLayoutSchema = z.object({
  /** resident slots, slot 0 included */
  slots: z.number().int().min(1),
  lora: z
    .object({
      rank: z.number().int().positive(),
      modules: z.array(z.enum(LORA_MODULES)).min(1),
      /** layers that carry LoRA slots; all layers when omitted */
      layers: z.array(z.number().int().nonnegative()).optional(),
    })
    .optional(),
  bottleneck: z
    .object({
      width: z.number().int().positive(),
      activation: z.enum(BOTTLENECK_ACTIVATIONS).default('gelu'),
      layers: z.array(z.number().int().nonnegative()).optional(),
    })
    .optional(),
});

export type AdapterSlotLayout = z.infer<typeof AdapterSlotLayoutSchema>;

export const LORA_MODULE_HF_NAMES: Record<LoraModule, string> = {
  q: 'self_attn.q_proj',
  k: 'self_attn.k_proj',
  v: 'self_attn.v_proj',
  o: 'self_attn.o_proj',
  gate: 'mlp.gate_proj',
  up: 'mlp.up_proj',
  down: 'mlp.down_proj',
};

export function loraInputName(layer: number, module: LoraModule, part: 'a' | 'b'): string {
  return `lora.${layer}.${module}.${part}`;
}

export type BottleneckPart = 'down' | 'down_bias' | 'up' | 'up_bias';
export function bottleneckInputName(layer: number, part: BottleneckPart): string {
  return `adapter.${layer}.${part}`;
}

/** [in, out] features of a projection. */
export function moduleFeatures(config: ModelConfig, module: LoraModule): { inFeatures: number; outFeatures: number } {
  const d = config.hiddenSize;
  const q = config.numHeads * config.headDim;
  const kv = config.numKvHeads * config.headDim;
  const ff = config.intermediateSize;
  switch (module) {
    case 'q':
      return { inFeatures: d, outFeatures: q };
    case 'k':
    case 'v':
      return { inFeatures: d, outFeatures: kv };
    case 'o':
      return { inFeatures: q, outFeatures: d };
    case 'gate':
    case 'up':
      return { inFeatures: d, outFeatures: ff };
    case 'down':
      return { inFeatures: ff, outFeatures: d };
  }
}

export function loraLayers(config: ModelConfig, layout: AdapterSlotLayout): number[] {
  return layout.lora?.layers ?? range(config.numLayers);
}

export function bottleneckLayers(config: ModelConfig, layout: AdapterSlotLayout): number[] {
  return layout.bottleneck?.layers ?? range(config.numLayers);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

export interface SlotTensorSpec {
  name: string;
  dims: number[];
}

/** Every adapter slot graph input (besides adapter_index / adapter_mask), with its dims. */
export function slotTensorSpecs(config: ModelConfig, layout: AdapterSlotLayout): SlotTensorSpec[] {
  const specs: SlotTensorSpec[] = [];
  const n = layout.slots;
  if (layout.lora) {
    const r = layout.lora.rank;
    for (const layer of loraLayers(config, layout)) {
      for (const module of layout.lora.modules) {
        const { inFeatures, outFeatures } = moduleFeatures(config, module);
        specs.push({ name: loraInputName(layer, module, 'a'), dims: [n, inFeatures, r] });
        specs.push({ name: loraInputName(layer, module, 'b'), dims: [n, r, outFeatures] });
      }
    }
  }
  if (layout.bottleneck) {
    const m = layout.bottleneck.width;
    const d = config.hiddenSize;
    for (const layer of bottleneckLayers(config, layout)) {
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
