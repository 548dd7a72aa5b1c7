import { z } from 'zod';
import { cpuFeatures, int8KernelFor } from './cpu-features.ts';
import { AdapterSlotLayoutSchema } from '../model/adapter-slots.ts';
import { InferenceBuildOptionsSchema } from '../model/build-options.ts';
import type { InferenceBuildOptions } from '../model/build-options.ts';

export const MODEL_DTYPES = ['fp32', 'int8', 'int4'] as const;

/** Weights per fp32 scale in int8/int4 models: at int4, 4.5 bits a weight, llama.cpp Q4_0's size. */
export const QUANT_BLOCK_SIZE = 64;
export type ModelDType = (typeof MODEL_DTYPES)[number];

export const LoadModelOptionsSchema = z.object({
  /** weights as computed: fp32, or weight-only int8/int4 quantized (MatMulNBits) */
  dtype: z.enum(MODEL_DTYPES).default('fp32'),
  /** weights per scale of int8/int4 weights; default 64, or 32 for a GGUF storing Q4_0 (int4) / Q8_0 (int8) blocks, which are then taken over without requantizing */
  quantBlockSize: z.number().int().min(16).refine((n) => (n & (n - 1)) === 0, 'must be a power of two').optional(),
  /** adapter slots to build into the graph; null = no adapters */
  adapters: AdapterSlotLayoutSchema.nullable().default(null),
  /** add the hidden_states output (embeddings) */
  hiddenStates: z.boolean().default(false),
  /** `last` (default) computes logits of each row's last token only; `all` of every token */
  logits: z.enum(['all', 'last']).default('last'),
  /** fp32 weights prepacked by ORT at load (fastest matmuls) or read in place from the mapped file (fast load, less memory) */
  prepackWeights: z.boolean().default(true),
  /** where built graphs are cached; default $PLUGBOARD_CACHE_DIR or ~/.cache/plugboard/graphs */
  cacheDir: z.string().optional(),
  /** ignore the cache and rebuild the graph */
  rebuild: z.boolean().default(false),
  /** maximum tokens per row (prompt + generated); default the model's max_position_embeddings */
  contextLength: z.number().int().positive().optional(),
  /** prompts are prefilled in runs of at most this many tokens (smaller activations, faster int4 matmuls, no padding across rows) */
  prefillChunkTokens: z.number().int().positive().default(128),
  intraOpNumThreads: z.number().int().nonnegative().optional(),
  graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
  /** tensors in the weights that config.json does not use (WEIGHT_UNEXPECTED otherwise): true = any, or their exact names; rotary caches are always ignored */
  ignoreUnexpectedWeights: z.union([z.boolean(), z.array(z.string().min(1))]).default(false),
  /**
   * int8 matmuls (dtype int8), default nbits (what QLoRA skills train over): `auto` picks per host (cpuFeatures(): `dynamic`
   * with VNNI or AMX, else `nbits`); the choice is a build option, so it is
   * part of the graph cache key
   */
  int8Kernel: z.enum(['auto', 'nbits', 'dynamic']).default('nbits'),
  /**
   * prefill prompts with a second graph at this precision while decode runs
   * at `dtype`: e.g. an int4 model (int4 decode, bandwidth-bound at M = 1)
   * prefilled by int8 weights on the host's int8 GEMM (`int8Kernel` auto:
   * DynamicQuantizeMatMul on VNNI/AMX hosts, see bench:runtime). Both graphs
   * stay in memory; the first token is sampled from the prefill graph's logits
   */
  prefillDtype: z.enum(MODEL_DTYPES).optional(),
  /** attention ops in the graph (a build option, so part of the graph cache key); see InferenceBuildOptions.attention */
  attention: InferenceBuildOptionsSchema.shape.attention,
  /** extra ORT session config entries, e.g. {"session.disable_prepacking": "1"} */
  sessionConfig: z.record(z.string(), z.string()).optional(),
});
export type LoadModelOptions = z.input<typeof LoadModelOptionsSchema>;
export type ResolvedLoadModelOptions = z.infer<typeof LoadModelOptionsSchema>;

/** `storedBlockSize` is the block size the weights already come quantized in at these bits (WeightSource.quantizedBlockSize). */
export function buildOptionsFor(options: ResolvedLoadModelOptions, storedBlockSize?: (bits: 4 | 8) => number | undefined): InferenceBuildOptions {
  const bits = options.dtype === 'int4' ? 4 : options.dtype === 'int8' ? 8 : null;
  const blockSize = bits === null ? QUANT_BLOCK_SIZE : (options.quantBlockSize ?? storedBlockSize?.(bits) ?? QUANT_BLOCK_SIZE);
  return {
    quantization: bits === null ? null : { bits, blockSize, accuracyLevel: 4, lmHead: true, ...(bits === 8 ? { int8Kernel: options.int8Kernel === 'auto' ? int8KernelFor(cpuFeatures()) : options.int8Kernel } : {}) },
    adapters: options.adapters,
    hiddenStates: options.hiddenStates,
    logits: options.logits,
    prepackWeights: options.prepackWeights,
    contextLength: options.contextLength ?? null,
    attention: options.attention,
  };
}
