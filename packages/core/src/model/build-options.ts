import { z } from 'zod';
import { AdapterSlotLayoutSchema } from './adapter-slots.ts';

export const QuantizationSchema = z.object({
  bits: z.union([z.literal(4), z.literal(8)]),
  /** weights per fp32 scale; larger blocks run faster on MLAS */
  blockSize: z.number().int().min(16).default(64),
  /** MatMulNBits accuracy_level: 4 computes in int8 (fast on AVX2), 0 in fp32 */
  accuracyLevel: z.number().int().min(0).max(4).default(4),
  /** also quantize the LM head (the biggest single matrix of small models) */
  lmHead: z.boolean().default(true),
  /**
   * the int8 kernel: `nbits` = MatMulNBits blocks (weights only), `dynamic` =
   * per-channel int8 weights through DynamicQuantizeMatMul (activations
   * quantized per tensor as it runs), MLAS's QGEMM with VNNI/AMX kernels.
   * 4-bit weights always use MatMulNBits. Absent: nbits.
   */
  int8Kernel: z.enum(['nbits', 'dynamic']).optional(),
});
export type Quantization = z.infer<typeof QuantizationSchema>;

export const InferenceBuildOptionsSchema = z.object({
  quantization: QuantizationSchema.nullable().default(null),
  adapters: AdapterSlotLayoutSchema.nullable().default(null),
  /** add the `hidden_states` output (last layer, after the final norm) */
  hiddenStates: z.boolean().default(false),
  /**
   * `all`: logits for every input token (the IO contract; used by tests).
   * `last`: only each row's last real token, which is all generation needs and
   * saves the [S, vocab] LM-head product during prefill.
   */
  logits: z.enum(['all', 'last']).default('all'),
  /**
   * fp32 projection weights as 2-D [in, out] matrices, which ORT prepacks
   * (copies into its blocked layout) when a session loads: the fastest fp32
   * matmuls. `false` stores them [1, out, in], read in place from the
   * memory-mapped graph file: sessions load several times faster and hold no
   * second copy, at some fp32 matmul speed. Quantized weights are unaffected.
   */
  prepackWeights: z.boolean().default(true),
  /**
   * `gqa`: com.microsoft GroupQueryAttention. `matmul`: scores, softmax and
   * context from FusedMatMul/Softmax/MatMul over the cache where it lies.
   * CPU GQA, given a past that is not its present buffer (onnxruntime-node
   * cannot bind one to the other), zeroes the whole present and copies the
   * past once per query head, so its cost grows with query heads × cache
   * capacity; `matmul` reads each cached key and value once. Sliding-window
   * models always use `gqa` (its local window).
   */
  attention: z.enum(['gqa', 'matmul']).default('gqa'),
  /** positions the graph serves (sizes the rotary table); null = the config's max_position_embeddings */
  contextLength: z.number().int().positive().nullable().default(null),
});
export type InferenceBuildOptions = z.infer<typeof InferenceBuildOptionsSchema>;
export type InferenceBuildOptionsInput = z.input<typeof InferenceBuildOptionsSchema>;
