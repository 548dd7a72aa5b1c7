import { LORA_MODULES } from '../lora-modules.ts';
import type { LoraModule } from '../lora-modules.ts';
import type { LoraSpecInput } from '../lora-spec.ts';
import type { PeftLoraConfig } from './peft-lora-config.ts';
import { peftModuleShortName } from './peft-module-paths.ts';

/** A LoRA spec (its lists may be read-only) plus what only PEFT's file can say. */
export interface PeftLoraConfigForOptions extends Omit<LoraSpecInput, 'modules' | 'layers'> {
  modules: readonly LoraModule[];
  /** LISA-sparse: only these layers (written as layers_to_transform); all layers when omitted */
  layers?: readonly number[] | undefined;
  /** module-path pattern -> rank (PEFT rank_pattern), e.g. {"model.layers.0.self_attn.q_proj": 4} */
  rankPattern?: Record<string, number>;
  alphaPattern?: Record<string, number>;
  /** e.g. "Qwen/Qwen2.5-0.5B-Instruct" */
  baseModelName?: string | null;
}

/** The adapter_config.json PEFT itself would save for a LoRA trained with these settings. */
export function peftLoraConfigFor(options: PeftLoraConfigForOptions): PeftLoraConfig {
  return {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: options.baseModelName ?? null,
    r: options.rank,
    lora_alpha: options.alpha,
    // PEFT lists target names in no particular order; ours follow the layer's order
    target_modules: LORA_MODULES.filter((m) => options.modules.includes(m)).map(peftModuleShortName),
    layers_to_transform: options.layers ? [...options.layers].sort((a, b) => a - b) : null,
    // explicit, so every PEFT version finds the layer index the same way
    layers_pattern: options.layers ? 'layers' : null,
    rank_pattern: options.rankPattern ?? {},
    alpha_pattern: options.alphaPattern ?? {},
    use_rslora: options.useRslora ?? false,
    use_dora: false,
    bias: 'none',
    fan_in_fan_out: false,
    modules_to_save: null,
    lora_dropout: 0,
    inference_mode: true,
  };
}
