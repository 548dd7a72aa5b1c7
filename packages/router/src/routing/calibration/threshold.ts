import { z } from 'zod';
import { PlugboardError } from '@plugboard/core';

/** One held-out example as the threshold sees it. */
export interface ThresholdSample {
  /** Calibrated probability of the top route. */
  confidence: number;
  /** False for out-of-scope examples (label null). */
  inScope: boolean;
  /** In scope and the top route is the true one. */
  correct: boolean;
}

/**
 * What the threshold optimizes (decisions accept the top route when confidence ≥ threshold):
 * - `balanced`: maximize (in-scope accuracy + out-of-scope recall) / 2; needs both kinds of examples.
 * - `oos-recall`: the lowest threshold whose out-of-scope recall reaches `target`.
 * - `in-scope-coverage`: the highest threshold that still accepts `target` of the in-scope examples
 *   (for when no out-of-scope examples are available).
 */
export const ThresholdObjectiveSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('balanced') }),
  z.object({ kind: z.literal('oos-recall'), target: z.number().min(0).max(1) }),
  z.object({ kind: z.literal('in-scope-coverage'), target: z.number().min(0).max(1) }),
]);
export type ThresholdObjective = z.infer<typeof ThresholdObjectiveSchema>;

/** A band of thresholds (low, high] that all give the same decisions, with their outcome. */
export interface ThresholdBand {
  low: number;
  high: number;
  accuracy: number;
  coverage: number;
  oosRecall: number;
}

/**
 * Fits a threshold to the objective. Every threshold inside a band between two neighbouring
 * confidences gives the same decisions, so the answer is the middle of the chosen band:
 * the largest margin to the examples on either side.
 */
export function fitThreshold(samples: readonly ThresholdSample[], objective: ThresholdObjective): number {
  const inScope = samples.filter((s) => s.inScope).length;
  const outOfScope = samples.length - inScope;
  if (objective.kind !== 'in-scope-coverage' && outOfScope === 0) {
    throw new PlugboardError('INVALID_ARGUMENT', `Threshold objective "${objective.kind}" needs out-of-scope examples; give some, or use "in-scope-coverage".`);
  }
  if (objective.kind !== 'oos-recall' && inScope === 0) {
    throw new PlugboardError('INVALID_ARGUMENT', `Threshold objective "${objective.kind}" needs in-scope examples.`);
  }
  const bands = thresholdBands(samples, inScope, outOfScope);
  return middle(chooseBand(bands, objective));
}

/**
 * Every distinct outcome a threshold can give on these samples, from "accept everything"
 * (lowest band) to "reject everything": the trade-off between in-scope accuracy and
 * out-of-scope recall that a threshold moves along.
 */
export function thresholdCurve(samples: readonly ThresholdSample[]): ThresholdBand[] {
  const inScope = samples.filter((s) => s.inScope).length;
  return thresholdBands(samples, inScope, samples.length - inScope);
}

function thresholdBands(samples: readonly ThresholdSample[], inScope: number, outOfScope: number): ThresholdBand[] {
  const sorted = samples.slice().sort((a, b) => a.confidence - b.confidence);
  // Start from "accept everything" and reject one distinct confidence value at a time.
  let accepted = inScope;
  let acceptedCorrect = sorted.filter((s) => s.correct).length;
  let rejectedOos = 0;
  const bands: ThresholdBand[] = [];
  let low = 0;
  let i = 0;
  while (i <= sorted.length) {
    const high = i < sorted.length ? sorted[i].confidence : 1;
    // A zero-width band above 0 (confidence exactly 1) has no threshold ≤ 1 that realizes it.
    if (high > low || low === 0) {
      bands.push({
        low,
        high,
        accuracy: inScope === 0 ? 0 : acceptedCorrect / inScope,
        coverage: inScope === 0 ? 0 : accepted / inScope,
        oosRecall: outOfScope === 0 ? 0 : rejectedOos / outOfScope,
      });
    }
    if (i === sorted.length) break;
    const value = sorted[i].confidence;
    while (i < sorted.length && sorted[i].confidence === value) {
      const s = sorted[i];
      if (s.inScope) accepted--;
      else rejectedOos++;
      if (s.correct) acceptedCorrect--;
      i++;
    }
    low = value;
  }
  return bands;
}

function chooseBand(bands: readonly ThresholdBand[], objective: ThresholdObjective): ThresholdBand {
  switch (objective.kind) {
    case 'balanced': {
      let best = bands[0];
      let bestScore = -Infinity;
      for (const band of bands) {
        const score = (band.accuracy + band.oosRecall) / 2;
        const wider = score === bestScore && band.high - band.low > best.high - best.low;
        if (score > bestScore || wider) {
          best = band;
          bestScore = score;
        }
      }
      return best;
    }
    case 'oos-recall':
      return bands.find((b) => b.oosRecall >= objective.target) ?? bands[bands.length - 1];
    case 'in-scope-coverage': {
      for (let i = bands.length - 1; i >= 0; i--) if (bands[i].coverage >= objective.target) return bands[i];
      return bands[0];
    }
  }
}

function middle(band: ThresholdBand): number {
  return (band.low + band.high) / 2;
}
