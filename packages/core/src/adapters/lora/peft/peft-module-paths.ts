import { LORA_MODULES, LORA_MODULE_HF_NAMES } from '../lora-modules.ts';
import type { LoraModule } from '../lora-modules.ts';

/** A projection's module path inside a Hugging Face *ForCausalLM, as PEFT matches targets against it. */
export function peftModulePath(layer: number, module: LoraModule): string {
  return `model.layers.${layer}.${LORA_MODULE_HF_NAMES[module]}`;
}

/** The projection's own attribute name (q_proj, ..., down_proj): what target_modules lists name. */
export function peftModuleShortName(module: LoraModule): string {
  return LORA_MODULE_HF_NAMES[module].split('.').at(-1) as string;
}

export const PEFT_SHORT_NAMES: readonly string[] = LORA_MODULES.map(peftModuleShortName);

/** Linear layers of these models that PEFT could adapt but the adapter slots have no place for. */
export const UNSUPPORTED_TARGET_PATHS = ['lm_head', 'model.embed_tokens'] as const;

/** The PEFT state-dict key of one half of a LoRA pair (the form PEFT's save_pretrained writes). */
export function peftWeightKey(layer: number, module: LoraModule, part: 'A' | 'B'): string {
  return `base_model.model.${peftModulePath(layer, module)}.lora_${part}.weight`;
}

const KEY_PATTERN =
  /(?:^|\.)layers\.(\d+)\.(self_attn\.[qkvo]_proj|mlp\.(?:gate|up|down)_proj)\.lora_(A|B)(?:\.[^.]+)?\.weight$/;
const MODULE_BY_HF_NAME = new Map(LORA_MODULES.map((module) => [LORA_MODULE_HF_NAMES[module], module]));

export interface PeftWeightKey {
  layer: number;
  module: LoraModule;
  part: 'A' | 'B';
}

/**
 * Reads a state-dict key: `...layers.{i}.self_attn.q_proj.lora_A.weight`, with
 * or without an adapter name (`lora_A.default.weight`) and with any wrapper
 * prefix (`base_model.model.`). Null for anything else.
 */
export function parsePeftWeightKey(key: string): PeftWeightKey | null {
  const match = KEY_PATTERN.exec(key);
  if (!match) return null;
  const module = MODULE_BY_HF_NAME.get(match[2] as string) as LoraModule;
  return { layer: Number(match[1]), module, part: match[3] as 'A' | 'B' };
}
