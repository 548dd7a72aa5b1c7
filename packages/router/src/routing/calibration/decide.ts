import type { RouteDecision, RouteStrategy } from '../route.ts';
import { argmax, softmax } from '../softmax.ts';
import { thresholdFor, type Calibration } from './calibration.ts';

/** Turns raw logits into a calibrated decision (shared by every logit-based strategy). */
export function decideFromLogits(
  labels: readonly string[],
  logits: ArrayLike<number>,
  calibration: Calibration,
  strategy: RouteStrategy,
): RouteDecision {
  const probabilities = softmax(logits, calibration.temperature);
  const top = argmax(probabilities);
  const scores: Record<string, number> = {};
  for (let i = 0; i < labels.length; i++) scores[labels[i]] = probabilities[i];
  const confidence = probabilities[top];
  const route = confidence >= thresholdFor(calibration, labels[top]) ? labels[top] : null;
  return { route, confidence, scores, strategy };
}
