import type { Route } from '../route.ts';
import type { Router } from '../router.ts';
import type { Calibratable } from './calibration.ts';
import { calibrate, type CalibrationOptions, type CalibrationReport } from './calibrate.ts';
import { holdOutExamples } from './holdout-split.ts';

export interface FitCalibratedOptions extends CalibrationOptions {
  /** Share of each route's examples held out for calibration (default 0.2). */
  holdoutFraction?: number;
  /** Out-of-scope texts (never trained on) that the threshold learns to reject. */
  outOfScope?: readonly string[];
  seed?: number;
  /** Refit on all examples after calibrating (default true). */
  refit?: boolean;
}

/**
 * The standard recipe: hold out 20% of each route's examples, fit on the rest, fit
 * temperature and threshold on the held-out part (plus any out-of-scope texts), then
 * refit a fresh router on every example and give it that calibration.
 */
export async function fitCalibrated<R extends Router & Calibratable>(
  create: () => R,
  routes: readonly Route[],
  options: FitCalibratedOptions = {},
): Promise<{ router: R; report: CalibrationReport }> {
  const { train, heldOut } = holdOutExamples(routes, options.holdoutFraction ?? 0.2, options.seed ?? 0);
  for (const text of options.outOfScope ?? []) heldOut.push({ text, label: null });
  const probe = create();
  await probe.fit(train);
  const report = await calibrate(probe, heldOut, options);
  if (options.refit === false) return { router: probe, report };
  const router = create();
  await router.fit(routes);
  router.calibration = report.calibration;
  return { router, report };
}
