import { z } from 'zod';

/** One route (usually one skill): a name plus example step texts that should land on it. */
export const RouteSchema = z.object({
  name: z.string().min(1),
  examples: z.array(z.string().min(1)),
  keywords: z.array(z.string().min(1)).optional(),
});
export type Route = z.infer<typeof RouteSchema>;

export const RoutesSchema = z.array(RouteSchema).min(1);

/** A text with its expected route; `null` means out of scope (the base model should answer). */
export const LabeledTextSchema = z.object({
  text: z.string(),
  label: z.string().min(1).nullable(),
});
export type LabeledText = z.infer<typeof LabeledTextSchema>;

/** Known strategy names; a custom strategy (e.g. model-scored) may use its own. */
export type RouteStrategy = 'rules' | 'linear' | 'embedding' | (string & Record<never, never>);

/**
 * What a router decided for one step. `route: null` means "no skill: use the base model".
 * `confidence` is the top route's calibrated probability (even when it fell below the
 * threshold and `route` is null); `scores` holds every route's probability.
 */
export interface RouteDecision {
  route: string | null;
  confidence: number;
  scores: Record<string, number>;
  strategy: RouteStrategy;
}
