import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PlugboardError } from '../errors/plugboard-error.ts';
import { RopeScalingSchema, normalizeRopeScaling } from './rope-scaling.ts';

export const SUPPORTED_ARCHITECTURES = ['llama', 'qwen2', 'qwen3', 'mistral'] as const;
export type Architecture = (typeof SUPPORTED_ARCHITECTURES)[number];

/** MLP activations: silu (Llama, Qwen, Mistral), exact erf gelu, and gelu_pytorch_tanh (the tanh approximation). */
export const HIDDEN_ACTIVATIONS = ['silu', 'gelu', 'gelu_pytorch_tanh'] as const;
export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];

/** The subset of a Hugging Face `config.json` we read; unknown fields pass through. */
export const HfConfigSchema = z
  .object({
    model_type: z.string(),
    hidden_size: z.number().int().positive(),
    num_hidden_layers: z.number().int().positive(),
    num_attention_heads: z.number().int().positive(),
    num_key_value_heads: z.number().int().positive().optional(),
    head_dim: z.number().int().positive().nullish(),
    intermediate_size: z.number().int().positive(),
    vocab_size: z.number().int().positive(),
    max_position_embeddings: z.number().int().positive().default(4096),
    rms_norm_eps: z.number().positive().default(1e-6),
    rope_theta: z.number().positive().default(10000),
    rope_scaling: z.record(z.string(), z.unknown()).nullish(),
    tie_word_embeddings: z.boolean().default(false),
    attention_bias: z.boolean().optional(),
    mlp_bias: z.boolean().optional(),
    hidden_act: z.string().default('silu'),
    sliding_window: z.number().int().positive().nullish(),
    use_sliding_window: z.boolean().optional(),
    bos_token_id: z.number().int().nullish(),
    eos_token_id: z.union([z.number().int(), z.array(z.number().int())]).nullish(),
    torch_dtype: z.string().nullish(),
  })
  .passthrough();

export type HfConfig = z.infer<typeof HfConfigSchema>;

/** The normalized architecture description every part of Plugboard works from. */
export const ModelConfigSchema = z.object({
  architecture: z.enum(SUPPORTED_ARCHITECTURES),
  hiddenSize: z.number().int().positive(),
  numLayers: z.number().int().positive(),
  numHeads: z.number().int().positive(),
  numKvHeads: z.number().int().positive(),
  headDim: z.number().int().positive(),
  intermediateSize: z.number().int().positive(),
  vocabSize: z.number().int().positive(),
  maxPositionEmbeddings: z.number().int().positive(),
  rmsNormEps: z.number().positive(),
  ropeTheta: z.number().positive(),
  /** rope_scaling, normalized (default = plain rotary) */
  rope: RopeScalingSchema.default({ type: 'default' }),
  tieWordEmbeddings: z.boolean(),
  /** q/k/v projections carry a bias (qwen2; llama/qwen3 with attention_bias). */
  attentionBias: z.boolean(),
  /** o_proj carries a bias too (llama/qwen3 attention_bias; qwen2 biases q/k/v only) */
  outputBias: z.boolean().default(false),
  /** gate/up/down carry biases (llama mlp_bias) */
  mlpBias: z.boolean().default(false),
  hiddenAct: z.enum(HIDDEN_ACTIVATIONS).default('silu'),
  /** per-head RMSNorm on q and k before rotary (qwen3). */
  qkNorm: z.boolean(),
  /** mistral-style local attention window; null = full causal attention. */
  slidingWindow: z.number().int().positive().nullable(),
  bosTokenId: z.number().int().nullable(),
  eosTokenIds: z.array(z.number().int()),
});

export type ModelConfig = z.infer<typeof ModelConfigSchema>;

function invalid(message: string, cause?: unknown): PlugboardError {
  return new PlugboardError('INVALID_CONFIG', message, { cause });
}

/** Validates a parsed config.json and normalizes it to a ModelConfig. */
export function normalizeHfConfig(raw: unknown): ModelConfig {
  const parsed = HfConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`config.json is invalid at "${issue?.path.join('.')}": ${issue?.message}`, parsed.error);
  }
  const c = parsed.data;
  if (!(SUPPORTED_ARCHITECTURES as readonly string[]).includes(c.model_type)) {
    throw new PlugboardError(
      'UNSUPPORTED_ARCHITECTURE',
      `model_type "${c.model_type}" is not supported; supported: ${SUPPORTED_ARCHITECTURES.join(', ')}`,
    );
  }
  const architecture = c.model_type as Architecture;
  if (!(HIDDEN_ACTIVATIONS as readonly string[]).includes(c.hidden_act)) {
    throw new PlugboardError('UNSUPPORTED_FEATURE', `hidden_act "${c.hidden_act}" is not supported; supported: ${HIDDEN_ACTIVATIONS.join(', ')}`);
  }
  if (c.mlp_bias && architecture !== 'llama') {
    throw new PlugboardError('UNSUPPORTED_FEATURE', `mlp_bias=true is a llama option; ${architecture} MLPs have no biases`);
  }
  const numKvHeads = c.num_key_value_heads ?? c.num_attention_heads;
  if (c.num_attention_heads % numKvHeads !== 0) {
    throw invalid(`num_attention_heads (${c.num_attention_heads}) must be a multiple of num_key_value_heads (${numKvHeads})`);
  }
  const headDim = c.head_dim ?? c.hidden_size / c.num_attention_heads;
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) {
    throw invalid(`head dimension ${headDim} must be an even integer`);
  }
  const slidingWindow =
    architecture === 'mistral' || c.use_sliding_window === true ? (c.sliding_window ?? null) : null;
  const eos = c.eos_token_id;
  return {
    architecture,
    hiddenSize: c.hidden_size,
    numLayers: c.num_hidden_layers,
    numHeads: c.num_attention_heads,
    numKvHeads,
    headDim,
    intermediateSize: c.intermediate_size,
    vocabSize: c.vocab_size,
    maxPositionEmbeddings: c.max_position_embeddings,
    rmsNormEps: c.rms_norm_eps,
    ropeTheta: c.rope_theta,
    tieWordEmbeddings: c.tie_word_embeddings,
    rope: normalizeRopeScaling(c.rope_scaling, c.max_position_embeddings),
    attentionBias: c.attention_bias ?? architecture === 'qwen2',
    // transformers: LlamaAttention / Qwen3Attention give o_proj bias=attention_bias; Qwen2's o_proj never has one
    outputBias: (architecture === 'llama' || architecture === 'qwen3') && c.attention_bias === true,
    mlpBias: c.mlp_bias === true,
    hiddenAct: c.hidden_act as HiddenActivation,
    qkNorm: architecture === 'qwen3',
    slidingWindow,
    bosTokenId: c.bos_token_id ?? null,
    eosTokenIds: eos == null ? [] : Array.isArray(eos) ? eos : [eos],
  };
}

/** Reads and normalizes `<dir>/config.json`. */
export function readModelConfig(dir: string): ModelConfig {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) {
    throw new PlugboardError('FILE_NOT_FOUND', `no config.json in ${dir}: point at a Hugging Face model folder`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw invalid(`${path} is not valid JSON`, cause);
  }
  return normalizeHfConfig(raw);
}

/** Hugging Face parameter names of one decoder layer, in one place. */
export function layerWeightNames(layer: number) {
  const p = `model.layers.${layer}`;
  return {
    inputNorm: `${p}.input_layernorm.weight`,
    postAttentionNorm: `${p}.post_attention_layernorm.weight`,
    q: `${p}.self_attn.q_proj.weight`,
    k: `${p}.self_attn.k_proj.weight`,
    v: `${p}.self_attn.v_proj.weight`,
    o: `${p}.self_attn.o_proj.weight`,
    qBias: `${p}.self_attn.q_proj.bias`,
    kBias: `${p}.self_attn.k_proj.bias`,
    vBias: `${p}.self_attn.v_proj.bias`,
    oBias: `${p}.self_attn.o_proj.bias`,
    qNorm: `${p}.self_attn.q_norm.weight`,
    kNorm: `${p}.self_attn.k_norm.weight`,
    gate: `${p}.mlp.gate_proj.weight`,
    up: `${p}.mlp.up_proj.weight`,
    down: `${p}.mlp.down_proj.weight`,
    gateBias: `${p}.mlp.gate_proj.bias`,
    upBias: `${p}.mlp.up_proj.bias`,
    downBias: `${p}.mlp.down_proj.bias`,
  };
}

export const GLOBAL_WEIGHT_NAMES = {
  embedTokens: 'model.embed_tokens.weight',
  finalNorm: 'model.norm.weight',
  lmHead: 'lm_head.weight',
} as const;

/** The shape [out, in] (or [n] for vectors) every weight must have under this config. */
export function expectedWeightShapes(config: ModelConfig): Map<string, number[]> {
  const { hiddenSize: d, numHeads, numKvHeads, headDim, intermediateSize: ff, vocabSize } = config;
  const shapes = new Map<string, number[]>();
  shapes.set(GLOBAL_WEIGHT_NAMES.embedTokens, [vocabSize, d]);
  shapes.set(GLOBAL_WEIGHT_NAMES.finalNorm, [d]);
  if (!config.tieWordEmbeddings) shapes.set(GLOBAL_WEIGHT_NAMES.lmHead, [vocabSize, d]);
  for (let i = 0; i < config.numLayers; i++) {
    const n = layerWeightNames(i);
    shapes.set(n.inputNorm, [d]);
    shapes.set(n.postAttentionNorm, [d]);
    shapes.set(n.q, [numHeads * headDim, d]);
    shapes.set(n.k, [numKvHeads * headDim, d]);
    shapes.set(n.v, [numKvHeads * headDim, d]);
    shapes.set(n.o, [d, numHeads * headDim]);
    if (config.attentionBias) {
      shapes.set(n.qBias, [numHeads * headDim]);
      shapes.set(n.kBias, [numKvHeads * headDim]);
      shapes.set(n.vBias, [numKvHeads * headDim]);
    }
    if (config.outputBias) shapes.set(n.oBias, [d]);
    if (config.qkNorm) {
      shapes.set(n.qNorm, [headDim]);
      shapes.set(n.kNorm, [headDim]);
    }
    shapes.set(n.gate, [ff, d]);
    shapes.set(n.up, [ff, d]);
    shapes.set(n.down, [d, ff]);
    if (config.mlpBias) {
      shapes.set(n.gateBias, [ff]);
      shapes.set(n.upBias, [ff]);
      shapes.set(n.downBias, [d]);
    }
  }
  return shapes;
}
