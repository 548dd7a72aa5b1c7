import { thresholdCurve } from '../routing/calibration/threshold.ts';
import type { Prediction } from './metrics.ts';

/** One threshold's outcome on the evaluation data. */
export interface TradeOffPoint {
  threshold: number;
  /** In-scope examples accepted on their own route, over all in-scope examples. */
  in_scope_accuracy: number;
  /** Out-of-scope examples rejected, over all out-of-scope examples. */
  oos_recall: number;
}

/** The best in-scope accuracy reachable while rejecting at least `oos_recall` of the out-of-scope examples. */
export interface OperatingPoint extends TradeOffPoint {
  target_oos_recall: number;
}

export interface TradeOff {
  /** From "accept everything" to "reject everything", at most `maxPoints` points. */
  curve: TradeOffPoint[];
  operating_points: OperatingPoint[];
}

const TARGETS = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95];

/**
 * The whole accuracy / out-of-scope-recall trade-off of a router's confidences on
 * labeled data, and the best point at each usual out-of-scope recall target: what a
 * threshold can buy, whichever the calibration picked.
 */
export function tradeOffCurve(predictions: readonly Prediction[], maxPoints = 60): TradeOff {
  const samples = predictions.map((p) => ({ confidence: p.confidence, inScope: p.label !== null, correct: p.label !== null && p.top === p.label }));
  const points = thresholdCurve(samples).map((band) => ({ threshold: (band.low + band.high) / 2, in_scope_accuracy: band.accuracy, oos_recall: band.oosRecall }));
  const hasOos = samples.some((s) => !s.inScope);
  const operating_points = hasOos
    ? TARGETS.flatMap((target) => {
        const best = points.filter((p) => p.oos_recall >= target).sort((a, b) => b.in_scope_accuracy - a.in_scope_accuracy)[0];
        return best === undefined ? [] : [{ target_oos_recall: target, ...best }];
      })
    : [];
  const step = Math.max(1, Math.ceil(points.length / maxPoints));
  const curve = points.filter((_, i) => i % step === 0 || i === points.length - 1);
  return { curve, operating_points };
}
