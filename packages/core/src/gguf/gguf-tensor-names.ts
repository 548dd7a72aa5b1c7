import { GLOBAL_WEIGHT_NAMES } from '../hf/config.ts';

/** llama.cpp's tensor names (gguf-py `MODEL_TENSOR` names for llama/qwen2/qwen3) → Hugging Face's. */
const GLOBAL: Record<string, string> = {
  'token_embd.weight': GLOBAL_WEIGHT_NAMES.embedTokens,
  'output_norm.weight': GLOBAL_WEIGHT_NAMES.finalNorm,
  'output.weight': GLOBAL_WEIGHT_NAMES.lmHead,
};

const PER_LAYER: Record<string, string> = {
  attn_norm: 'input_layernorm',
  attn_q: 'self_attn.q_proj',
  attn_k: 'self_attn.k_proj',
  attn_v: 'self_attn.v_proj',
  attn_output: 'self_attn.o_proj',
  attn_q_norm: 'self_attn.q_norm',
  attn_k_norm: 'self_attn.k_norm',
  ffn_norm: 'post_attention_layernorm',
  ffn_gate: 'mlp.gate_proj',
  ffn_up: 'mlp.up_proj',
  ffn_down: 'mlp.down_proj',
};

const LAYER_TENSOR = /^blk\.(\d+)\.([a-z_]+)\.(weight|bias)$/;

/** The Hugging Face name of a GGUF tensor, or null for one we have no place for. */
export function hfTensorName(ggufName: string): string | null {
  if (GLOBAL[ggufName]) return GLOBAL[ggufName];
  const match = LAYER_TENSOR.exec(ggufName);
  const module = match ? PER_LAYER[match[2]!] : undefined;
  return match && module ? `model.layers.${match[1]}.${module}.${match[3]}` : null;
}

/** The GGUF name of a Hugging Face tensor (the inverse, for writing GGUFs). */
export function ggufTensorName(hfName: string): string | null {
  for (const [gguf, hf] of Object.entries(GLOBAL)) if (hf === hfName) return gguf;
  const match = /^model\.layers\.(\d+)\.(.+)\.(weight|bias)$/.exec(hfName);
  const entry = match ? Object.entries(PER_LAYER).find(([, hf]) => hf === match[2]) : undefined;
  return match && entry ? `blk.${match[1]}.${entry[0]}.${match[3]}` : null;
}
