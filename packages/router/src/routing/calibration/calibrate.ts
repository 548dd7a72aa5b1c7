import { PlugboardError } from '@plugboard/core';
import type { LabeledText } from '../route.ts';
import { argmax, softmax } from '../softmax.ts';
import type { Calibratable, Calibration } from './calibration.ts';
import { fitTemperature, meanNll } from './temperature.ts';
import { fitThreshold, type ThresholdObjective, type ThresholdSample } from './threshold.ts';

export interface CalibrationOptions {
  /** Default: `balanced` when out-of-scope examples are given, else `in-scope-coverage` 0.95. */
  objective?: ThresholdObjective;
  /** Fit one threshold per route (routes with too few held-out predictions keep the global one). */
  perRoute?: boolean;
  /** Held-out examples a route needs (predicted as that route) before it gets its own threshold. */
  minRouteSamples?: number;
}

export interface CalibrationReport {
  calibration: Calibration;
  /** Mean NLL of the in-scope held-out examples before and after temperature scaling. */
  nllBefore: number;
  nllAfter: number;
}

/**
 * Fits temperature (on the held-out examples; see `fitTemperature`) and then the threshold(s) (on the
 * calibrated confidences of all held-out examples, out-of-scope ones included), and sets
 * them on the router. The held-out examples must not have been used to fit the router.
 */
export async function calibrate(
  router: Calibratable,
  heldOut: readonly LabeledText[],
  options: CalibrationOptions = {},
): Promise<CalibrationReport> {
  const labelIndex = new Map(router.labels.map((label, i) => [label, i]));
  const rows: Float64Array[] = [];
  for (const example of heldOut) rows.push(await router.logits(example.text));

  const inScopeRows: Float64Array[] = [];
  const targets: number[] = [];
  heldOut.forEach((example, i) => {
    if (example.label === null) return;
    const target = labelIndex.get(example.label);
    if (target === undefined) {
      throw new PlugboardError('DATA_INVALID', `Held-out example ${i} has label "${example.label}", which is not a route; use one of: ${router.labels.join(', ')}.`);
    }
    inScopeRows.push(rows[i]);
    targets.push(target);
  });
  if (inScopeRows.length === 0) {
    throw new PlugboardError('DATA_INVALID', 'Calibration needs in-scope held-out examples; give each route at least 2 examples.');
  }

  const before = router.calibration.temperature;
  const outOfScopeRows = rows.filter((_, i) => heldOut[i].label === null);
  const temperature = fitTemperature(inScopeRows, targets, outOfScopeRows);
  const hasOos = heldOut.some((e) => e.label === null);
  const objective = options.objective ?? (hasOos ? { kind: 'balanced' } : { kind: 'in-scope-coverage', target: 0.95 });

  const predicted: number[] = [];
  const samples: ThresholdSample[] = heldOut.map((example, i) => {
    const probabilities = softmax(rows[i], temperature);
    const top = argmax(probabilities);
    predicted.push(top);
    const inScope = example.label !== null;
    return { confidence: probabilities[top], inScope, correct: inScope && router.labels[top] === example.label };
  });
  const threshold = fitThreshold(samples, objective);
  const calibration: Calibration = { temperature, threshold };
  if (options.perRoute) calibration.routeThresholds = routeThresholds(router.labels, samples, predicted, objective, options.minRouteSamples ?? 8);

  router.calibration = calibration;
  return { calibration, nllBefore: meanNll(inScopeRows, targets, before), nllAfter: meanNll(inScopeRows, targets, temperature) };
}

function routeThresholds(
  labels: readonly string[],
  samples: readonly ThresholdSample[],
  predicted: readonly number[],
  objective: ThresholdObjective,
  minSamples: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  labels.forEach((label, index) => {
    const own = samples.filter((_, i) => predicted[i] === index);
    const inScope = own.filter((s) => s.inScope).length;
    const enough = own.length >= minSamples && inScope > 0 && (objective.kind === 'in-scope-coverage' || inScope < own.length);
    if (enough) out[label] = fitThreshold(own, objective);
  });
  return out;
}
