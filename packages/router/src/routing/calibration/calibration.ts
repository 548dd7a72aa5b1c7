import { z } from 'zod';
import type { MaybePromise } from '../router.ts';

/**
 * How raw route logits become a decision: probabilities are softmax(logits / temperature);
 * the top route is taken when its probability reaches its threshold (the route's own
 * threshold when one was fitted, else the global one), otherwise the decision is `null`.
 */
export const CalibrationSchema = z.object({
  temperature: z.number().positive(),
  threshold: z.number().min(0).max(1),
  routeThresholds: z.record(z.string(), z.number().min(0).max(1)).optional(),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

export const UNCALIBRATED: Calibration = { temperature: 1, threshold: 0 };

/** A router whose decisions come from per-route logits, so temperature and thresholds can be fitted. */
export interface Calibratable {
  /** Route names, in the order of `logits`. */
  readonly labels: readonly string[];
  logits(text: string): MaybePromise<Float64Array>;
  calibration: Calibration;
}

export function thresholdFor(calibration: Calibration, route: string): number {
  return calibration.routeThresholds?.[route] ?? calibration.threshold;
}
