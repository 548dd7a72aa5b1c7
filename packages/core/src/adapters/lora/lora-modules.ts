import type { ModelConfig } from '../../hf/config.ts';

/** The projections of a decoder layer that can carry LoRA. */
export const LORA_MODULES = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;
export type LoraModule = (typeof LORA_MODULES)[number];

export const LORA_MODULE_HF_NAMES: Record<LoraModule, string> = {
  q: 'self_attn.q_proj',
  k: 'self_attn.k_proj',
  v: 'self_attn.v_proj',
  o: 'self_attn.o_proj',
  gate: 'mlp.gate_proj',
  up: 'mlp.up_proj',
  down: 'mlp.down_proj',
};

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
