import { PlugboardError } from '@plugboard/core';
import { z } from 'zod';
import { CascadeRouter } from '../routing/cascade/cascade-router.ts';
import type { CalibrationOptions, CalibrationReport } from '../routing/calibration/calibrate.ts';
import { fitCalibrated } from '../routing/calibration/fit-calibrated.ts';
import type { Embedder } from '../routing/embedding/embedder.ts';
import { EmbeddingRouter } from '../routing/embedding/embedding-router.ts';
import { LinearRouter } from '../routing/linear/linear-router.ts';
import type { LabeledText, Route } from '../routing/route.ts';
import type { Router } from '../routing/router.ts';
import { RulesRouter } from '../routing/rules/rules-router.ts';
import { confusionMatrixSvg } from './confusion-svg.ts';
import { readLabeledJsonl, readRoutesFile } from './data-files.ts';
import { evaluateRouter, type RouterEvaluation } from './evaluate-router.ts';
import { tradeOffSvg } from './trade-off-svg.ts';

export const EvalStrategySchema = z.enum(['rules', 'linear', 'embedding', 'cascade']);
export type EvalStrategy = z.infer<typeof EvalStrategySchema>;

export interface RunRouterEvalOptions {
  strategy: EvalStrategy;
  /** Routes: a routes file (see `RoutesFileSchema`) or routes given directly (e.g. built from a skills folder). */
  routesFile?: string;
  routes?: Route[];
  /** Out-of-scope texts for the threshold (added to any the routes file lists). */
  outOfScope?: string[];
  /** Evaluation data: a JSONL file or labeled texts given directly. */
  dataFile?: string;
  data?: LabeledText[];
  /** Required by the `embedding` strategy. */
  embedder?: Embedder;
  calibration?: CalibrationOptions & { holdoutFraction?: number; seed?: number };
}

export interface RouterEvalResult {
  strategy: EvalStrategy;
  metrics: RouterEvaluation;
  /** Temperature and threshold that were fitted (null for `rules`). */
  calibration: CalibrationReport | null;
  /** The confusion matrix as an SVG heatmap. */
  confusionSvg: string;
  /** The in-scope accuracy / OOS recall trade-off as an SVG line chart, the calibrated point marked. */
  tradeOffSvg: string;
}

/**
 * What `plugboard router eval` runs. Fits on the routes' examples; for learned strategies
 * holds out 20% of each route's examples (plus any out-of-scope texts) to fit temperature
 * and threshold, then refits on all examples with that calibration (`fitCalibrated`);
 * evaluates on the data. `cascade` is rules (route keywords) first, then calibrated linear.
 */
export async function runRouterEval(options: RunRouterEvalOptions): Promise<RouterEvalResult> {
  const strategy = EvalStrategySchema.parse(options.strategy);
  const { routes, outOfScope } = await loadRoutes(options);
  const data = await loadData(options, routes);

  const start = performance.now();
  const { router, calibration } = await buildRouter(strategy, routes, outOfScope, options);
  const fitMs = performance.now() - start;

  const metrics = await evaluateRouter(router, data, { fitMs });
  const chosen = metrics.accuracy !== null && metrics.oos_recall !== null ? { in_scope_accuracy: metrics.accuracy, oos_recall: metrics.oos_recall } : null;
  return {
    strategy,
    metrics,
    calibration,
    confusionSvg: confusionMatrixSvg(metrics.confusion, `Router confusion matrix (${strategy})`),
    tradeOffSvg: tradeOffSvg(metrics.trade_off.curve, chosen, `Router trade-off (${strategy})`),
  };
}

async function loadRoutes(options: RunRouterEvalOptions): Promise<{ routes: Route[]; outOfScope: string[] }> {
  const extra = options.outOfScope ?? [];
  if (options.routes !== undefined) return { routes: options.routes, outOfScope: extra };
  if (options.routesFile === undefined) throw new PlugboardError('INVALID_ARGUMENT', 'Give routes: a routes file (--routes FILE) or routes from a skills folder.');
  const file = await readRoutesFile(options.routesFile);
  return { routes: file.routes, outOfScope: [...file.outOfScope, ...extra] };
}

async function loadData(options: RunRouterEvalOptions, routes: readonly Route[]): Promise<LabeledText[]> {
  const data = options.data ?? (options.dataFile !== undefined ? await readLabeledJsonl(options.dataFile) : undefined);
  if (data === undefined) throw new PlugboardError('INVALID_ARGUMENT', 'Give evaluation data: a JSONL file (--data FILE.jsonl) or labeled texts.');
  const names = new Set(routes.map((r) => r.name));
  data.forEach((example, i) => {
    if (example.label !== null && !names.has(example.label)) {
      throw new PlugboardError('DATA_INVALID', `Evaluation example ${i + 1} has label "${example.label}", which is not a route; use a route name or null for out of scope.`);
    }
  });
  return data;
}

async function buildRouter(
  strategy: EvalStrategy,
  routes: Route[],
  outOfScope: string[],
  options: RunRouterEvalOptions,
): Promise<{ router: Router; calibration: CalibrationReport | null }> {
  const fitOptions = { ...options.calibration, outOfScope };
  switch (strategy) {
    case 'rules': {
      const router = new RulesRouter();
      await router.fit(routes);
      return { router, calibration: null };
    }
    case 'linear': {
      const { router, report } = await fitCalibrated(() => new LinearRouter(), routes, fitOptions);
      return { router, calibration: report };
    }
    case 'embedding': {
      const embedder = options.embedder;
      if (embedder === undefined) throw new PlugboardError('INVALID_ARGUMENT', 'The embedding strategy needs an embedder; pass one, or use --strategy linear.');
      const { router, report } = await fitCalibrated(() => new EmbeddingRouter(embedder), routes, fitOptions);
      return { router, calibration: report };
    }
    case 'cascade': {
      const rules = new RulesRouter();
      await rules.fit(routes);
      const { router: linear, report } = await fitCalibrated(() => new LinearRouter(), routes, fitOptions);
      return { router: new CascadeRouter([{ router: rules, threshold: 1 }, linear]), calibration: report };
    }
  }
}
