import { z } from 'zod';
import { LoadModelOptionsSchema, MODEL_DTYPES, PlugboardError, buildOptionsFor } from '@plugboard/core';
import type { ModelConfig, Quantization } from '@plugboard/core';
import { AdamWOptionsSchema } from './adamw.ts';
import { LrScheduleSchema } from './lr-schedule.ts';

export const TrainOptionsSchema = z.object({
  batch: z.number().int().positive().default(8),
  sequence: z.number().int().positive().default(128),
  /** optimizer steps; each takes `accumulation` batches */
  steps: z.number().int().positive(),
  accumulation: z.number().int().positive().default(1),
  schedule: LrScheduleSchema,
  adamw: AdamWOptionsSchema.default(AdamWOptionsSchema.parse({})),
  /** clip the global gradient norm to this (null: no clipping) */
  maxGradNorm: z.number().positive().nullable().default(1),
  seed: z.number().int().nonnegative().default(0),
  /** evaluate the held-out loss every this many steps (0: only at the end) */
  evalEvery: z.number().int().nonnegative().default(0),
  /** stop after this many evaluations without improvement (null: never) */
  patience: z.number().int().positive().nullable().default(null),
  /** an improvement smaller than this does not count */
  minDelta: z.number().min(0).default(0),
  /**
   * when early stopping ends training, set the trained parameters back to
   * those of the best held-out evaluation (kept in memory: one extra copy of
   * the trainable parameters; not across a resume)
   */
  restoreBest: z.boolean().default(true),
  /** write a checkpoint here every checkpointEvery steps, at the end, and when aborted */
  checkpointDir: z.string().min(1).optional(),
  checkpointEvery: z.number().int().nonnegative().default(0),
  /**
   * the frozen base as computed: fp32, or int8/int4 MatMulNBits (QLoRA) — the
   * quantization inference uses for that dtype; adapters train over it and
   * the base weights are never fp32 parameters
   */
  baseDtype: z.enum(MODEL_DTYPES).default('fp32'),
});
export type TrainOptions = z.infer<typeof TrainOptionsSchema>;
export type TrainOptionsInput = z.input<typeof TrainOptionsSchema>;

/**
 * The checks that need the base model: a row longer than its position table
 * would train rotary positions the model never had (silently, since the
 * training graph computes them on the fly).
 */
export function checkTrainOptionsFitModel(options: Pick<TrainOptions, 'sequence'>, config: ModelConfig): void {
  if (options.sequence > config.maxPositionEmbeddings) {
    throw new PlugboardError(
      'INVALID_ARGUMENT',
      `sequence ${options.sequence} is longer than the base model's ${config.maxPositionEmbeddings} positions (max_position_embeddings); use a sequence of at most ${config.maxPositionEmbeddings}`,
      { details: { field: 'sequence', sequence: options.sequence, maxPositionEmbeddings: config.maxPositionEmbeddings } },
    );
  }
}

/** The quantization `loadModel({ dtype })` serves this base dtype with (null for fp32). */
export function baseQuantization(options: Pick<TrainOptions, 'baseDtype'>): Quantization | null {
  // the training graph computes a quantized base through MatMulNBits only: never the host's DynamicQuantizeMatMul choice
  return buildOptionsFor(LoadModelOptionsSchema.parse({ dtype: options.baseDtype, int8Kernel: 'nbits' })).quantization;
}

/** Reported after every optimizer step. */
export interface TrainProgress {
  step: number;
  totalSteps: number;
  loss: number;
  learningRate: number;
  gradNorm: number;
  tokensPerSecond: number;
  etaSeconds: number;
  evalLoss?: number;
}
