import { PlugboardError } from '../errors/plugboard-error.ts';
import { GLOBAL_WEIGHT_NAMES } from '../hf/config.ts';
import type { GgufFile } from './gguf-file.ts';
import { ggufArchitecture, ggufNumber, ggufOptionalNumber, ggufOptionalString } from './gguf-metadata.ts';
import { ggufTensorName } from './gguf-tensor-names.ts';

const ARCHITECTURE_CLASS = { llama: 'LlamaForCausalLM', qwen2: 'Qwen2ForCausalLM', qwen3: 'Qwen3ForCausalLM' } as const;

/**
 * The Hugging Face `config.json` a GGUF's metadata describes
 * (`{arch}.block_count`, `.embedding_length`, `.attention.head_count`, …), so
 * the model goes through the same config validation as any HF folder.
 */
export function hfConfigFromGguf(file: GgufFile): Record<string, unknown> {
  const arch = ggufArchitecture(file);
  const key = (name: string) => `${arch}.${name}`;
  if (Array.isArray(file.metadata.get(key('attention.head_count_kv')))) {
    throw new PlugboardError('UNSUPPORTED_FEATURE', `${file.path} has a per-layer ${key('attention.head_count_kv')}; only one KV head count for all layers is supported`);
  }
  const embedding = file.tensors.get(ggufTensorName(GLOBAL_WEIGHT_NAMES.embedTokens)!);
  if (!embedding) throw new PlugboardError('WEIGHT_MISSING', `${file.path} has no token_embd.weight tensor`);
  const heads = ggufNumber(file, key('attention.head_count'));
  const hidden = ggufNumber(file, key('embedding_length'));
  const scaling = ggufOptionalString(file, key('rope.scaling.type'));
  const ropeScaling = scaling === undefined || scaling === 'none' ? null : { rope_type: scaling, factor: ggufOptionalNumber(file, key('rope.scaling.factor')) ?? 1, original_max_position_embeddings: ggufOptionalNumber(file, key('rope.scaling.original_context_length')) };
  return {
    architectures: [ARCHITECTURE_CLASS[arch]],
    model_type: arch,
    hidden_size: hidden,
    intermediate_size: ggufNumber(file, key('feed_forward_length')),
    num_hidden_layers: ggufNumber(file, key('block_count')),
    num_attention_heads: heads,
    num_key_value_heads: ggufOptionalNumber(file, key('attention.head_count_kv')) ?? heads,
    head_dim: ggufOptionalNumber(file, key('attention.key_length')) ?? hidden / heads,
    // the embedding's row count, not tokenizer.ggml.tokens: checkpoints pad the vocabulary
    vocab_size: embedding.dims[1],
    max_position_embeddings: ggufNumber(file, key('context_length')),
    rms_norm_eps: ggufNumber(file, key('attention.layer_norm_rms_epsilon')),
    rope_theta: ggufOptionalNumber(file, key('rope.freq_base')) ?? 10000,
    rope_scaling: ropeScaling,
    tie_word_embeddings: !file.tensors.has('output.weight'),
    attention_bias: file.tensors.has('blk.0.attn_q.bias'),
    hidden_act: 'silu',
    bos_token_id: ggufOptionalNumber(file, 'tokenizer.ggml.bos_token_id') ?? null,
    eos_token_id: ggufOptionalNumber(file, 'tokenizer.ggml.eos_token_id') ?? null,
    torch_dtype: 'float32',
  };
}
