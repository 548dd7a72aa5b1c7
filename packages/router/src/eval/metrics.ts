/** Label used for "no route" (out of scope) in confusion matrices. */
export const NO_ROUTE = '(none)';

export interface Prediction {
  /** True route, or null when out of scope. */
  label: string | null;
  /** Decided route (null = base model). */
  route: string | null;
  /** The top-scoring route, whether or not it passed the threshold (for calibration error). */
  top: string | null;
  /** Probability of `top`. */
  confidence: number;
}

export interface Confusion {
  /** Row/column names: the routes (sorted), then `(none)`. */
  labels: string[];
  /** matrix[true][predicted] counts. */
  matrix: number[][];
}

export interface ClassificationMetrics {
  /** In-scope examples routed to their own route (a null decision counts as wrong); null without in-scope examples. */
  accuracy: number | null;
  /** In-scope examples whose top-scoring route is their own, whatever the threshold (the classifier alone). */
  top1_accuracy: number | null;
  /** Mean F1 over routes that occur as a label or a decision; out-of-scope is not averaged as a class. */
  macro_f1: number | null;
  /** Out-of-scope examples decided null, over all out-of-scope examples. */
  oos_recall: number | null;
  /** Null decisions that were out of scope, over all null decisions. */
  oos_precision: number | null;
  /** 15-bin expected calibration error of the top route's confidence, over in-scope examples. */
  ece: number | null;
  confusion: Confusion;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

export function classificationMetrics(predictions: readonly Prediction[], bins = 15): ClassificationMetrics {
  const inScope = predictions.filter((p) => p.label !== null);
  const oos = predictions.filter((p) => p.label === null);
  const nullDecisions = predictions.filter((p) => p.route === null);
  return {
    accuracy: ratio(inScope.filter((p) => p.route === p.label).length, inScope.length),
    top1_accuracy: ratio(inScope.filter((p) => p.top === p.label).length, inScope.length),
    macro_f1: macroF1(predictions),
    oos_recall: ratio(oos.filter((p) => p.route === null).length, oos.length),
    oos_precision: ratio(nullDecisions.filter((p) => p.label === null).length, nullDecisions.length),
    ece: expectedCalibrationError(inScope, bins),
    confusion: confusionMatrix(predictions),
  };
}

function macroF1(predictions: readonly Prediction[]): number | null {
  const routes = new Set<string>();
  for (const p of predictions) {
    if (p.label !== null) routes.add(p.label);
    if (p.route !== null) routes.add(p.route);
  }
  if (routes.size === 0) return null;
  let sum = 0;
  for (const route of routes) {
    const truePositive = predictions.filter((p) => p.label === route && p.route === route).length;
    const predicted = predictions.filter((p) => p.route === route).length;
    const actual = predictions.filter((p) => p.label === route).length;
    sum += predicted + actual === 0 ? 0 : (2 * truePositive) / (predicted + actual);
  }
  return sum / routes.size;
}

/** Σ over equal-width confidence bins of (bin share) × |accuracy − mean confidence|. */
export function expectedCalibrationError(predictions: readonly Prediction[], bins = 15): number | null {
  if (predictions.length === 0) return null;
  const count = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  const confidence = new Array<number>(bins).fill(0);
  for (const p of predictions) {
    const bin = Math.min(bins - 1, Math.floor(p.confidence * bins));
    count[bin]++;
    confidence[bin] += p.confidence;
    if (p.top === p.label) correct[bin]++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b] > 0) ece += (count[b] / predictions.length) * Math.abs(correct[b] / count[b] - confidence[b] / count[b]);
  }
  return ece;
}

export function confusionMatrix(predictions: readonly Prediction[]): Confusion {
  const routes = new Set<string>();
  for (const p of predictions) {
    if (p.label !== null) routes.add(p.label);
    if (p.route !== null) routes.add(p.route);
  }
  const labels = [...[...routes].sort(), NO_ROUTE];
  const index = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  for (const p of predictions) matrix[index.get(p.label ?? NO_ROUTE) ?? 0][index.get(p.route ?? NO_ROUTE) ?? 0]++;
  return { labels, matrix };
}
