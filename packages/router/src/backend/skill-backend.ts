import { z } from 'zod';
import type { GenerationStream } from '@plugboard/core';
import type { BackendEventEmitter } from './backend-events.ts';
import type { SkillRequestInput } from './skill-request.ts';
import type { SkillDelta, SkillResult } from './skill-result.ts';

export const BackendDescriptionSchema = z.object({
  /** the base model's name (a folder, or the remote engine's model id) */
  model: z.string(),
  /** adapter kinds the backend can run */
  adapterKinds: z.array(z.enum(['lora', 'bottleneck'])),
  /** the largest LoRA rank it can hold (0: none) */
  maxRank: z.number().int().nonnegative(),
  contextLength: z.number().int().positive(),
  /** skills it can run by name */
  skills: z.array(z.string()),
});
export type BackendDescription = z.infer<typeof BackendDescriptionSchema>;

/** A generation in flight: iterate for deltas, await `result` for the whole turn. */
export type SkillStream = GenerationStream<SkillDelta, SkillResult>;

/**
 * The controller's port to a model, at the text level (like LangChain's
 * `Embeddings`): a local runtime with its adapter bank implements it, and so
 * can an OpenAI-compatible HTTP engine, since nothing here is a tensor.
 */
export interface SkillBackend {
  /** Generates one assistant turn for the request (streams; rejects with a PlugboardError). */
  generate(request: SkillRequestInput): SkillStream;
  describe(): BackendDescription;
  /** Makes a skill resident (e.g. loads it into the bank) ahead of its first step; SKILL_NOT_FOUND for an unknown name. */
  prepare(skill: string): Promise<void>;
  /** The model's own token count of a text, where the backend has its tokenizer. */
  countTokens?(text: string): number;
  /** swaps and the like, when the backend has them */
  readonly events?: BackendEventEmitter;
}
