import { z } from 'zod';
import { PlugboardError } from '../errors/plugboard-error.ts';

/**
 * How one generated row picks its tokens and when it stops.
 *
 * Defaults (every field is optional):
 * - `temperature` 0.7 — 0 means greedy (argmax, ties → lowest token id).
 * - `topK` 0 — off; otherwise keep exactly the k highest logits (ties → lower id).
 * - `topP` 1 — off; otherwise keep the smallest highest-first set whose probability mass ≥ topP.
 * - `minP` 0 — off; otherwise drop tokens whose probability < minP · (highest probability).
 * - `repetitionPenalty` 1 — off; HF/CTRL semantics on tokens already in the context.
 * - `repetitionWindow` unset — the penalty looks at the whole context; set it to look at the last N tokens.
 * - `seed` unset — a random seed per sampler; set it for reproducible output.
 * - `maxTokens` 256, `stopStrings` [], `stopTokenIds` [].
 *
 * Unknown keys are rejected so a typo like `top_k` fails loudly instead of being ignored.
 */
export const SamplingOptionsSchema = z.strictObject({
  temperature: z.number().min(0).default(0.7),
  topK: z.number().int().min(0).default(0),
  topP: z.number().gt(0).lte(1).default(1),
  minP: z.number().min(0).lte(1).default(0),
  repetitionPenalty: z.number().positive().default(1),
  repetitionWindow: z.number().int().positive().optional(),
  seed: z.number().int().optional(),
  maxTokens: z.number().int().positive().default(256),
  stopStrings: z.array(z.string().min(1)).default([]),
  stopTokenIds: z.array(z.number().int().min(0)).default([]),
});

export type SamplingOptions = z.infer<typeof SamplingOptionsSchema>;
/** What callers may pass: every field optional, defaults filled in by `parseSamplingOptions`. */
export type SamplingOptionsInput = z.input<typeof SamplingOptionsSchema>;

/** Validates sampling options, filling defaults; throws INVALID_ARGUMENT naming the offending field. */
export function parseSamplingOptions(input: unknown = {}): SamplingOptions {
  const parsed = SamplingOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue === undefined ? 'options' : fieldOf(issue);
  throw new PlugboardError(
    'INVALID_ARGUMENT',
    `sampling option "${field}" is invalid: ${issue?.message ?? 'unknown problem'}; see SamplingOptionsSchema for the allowed values`,
    { cause: parsed.error, details: { field } },
  );
}

function fieldOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return issue.keys.join(', ');
  return issue.path.length === 0 ? 'options' : issue.path.join('.');
}
