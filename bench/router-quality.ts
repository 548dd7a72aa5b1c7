/**
 * Router quality benchmark: the generated multi-domain routing set (test split = held-out
 * templates and slot values, see generateMultiDomainDataset) per seed. For each seed it fits
 * the linear router twice (threshold at the default balanced objective, and at
 * --target-oos-recall 0.6) and reports top-1, the best in-scope accuracy at 60% test OOS
 * recall (the trade-off curve's operating point), what the calibrated 0.6 threshold gives,
 * and fit time. `--baseline` runs the previous defaults (softmax regression, char 3–5 n-grams
 * at half the norm, 2^17 features per block) for a before/after.
 * Run: pnpm exec tsx bench/router-quality.ts [--seeds 1,2,3] [--baseline]
 */
import { generateMultiDomainDataset } from '../packages/router/src/datasets/multi-domain/generate-multi-domain.ts';
import { evaluateRouter } from '../packages/router/src/eval/evaluate-router.ts';
import { fitCalibrated } from '../packages/router/src/routing/calibration/fit-calibrated.ts';
import type { ThresholdObjective } from '../packages/router/src/routing/calibration/threshold.ts';
import { LinearRouter, type LinearRouterOptions } from '../packages/router/src/routing/linear/linear-router.ts';

const BASELINE: LinearRouterOptions = { features: { charMin: 3, charMax: 5, charShare: 0.5, maxFeaturesPerBlock: 1 << 17 }, training: { loss: 'softmax' } };

const args = process.argv.slice(2);
const seedsArg = args[args.indexOf('--seeds') + 1];
const seeds = args.includes('--seeds') && seedsArg !== undefined ? seedsArg.split(',').map(Number) : [1, 2, 3];
const options = args.includes('--baseline') ? BASELINE : {};
const round = (x: number | null | undefined) => (x === null || x === undefined ? null : Number(x.toFixed(3)));

async function run(seed: number, objective?: ThresholdObjective) {
  const dataset = generateMultiDomainDataset({ seed });
  const start = performance.now();
  const { router } = await fitCalibrated(() => new LinearRouter(options), dataset.routes, { outOfScope: dataset.outOfScope, objective });
  const fitMs = performance.now() - start;
  return { metrics: await evaluateRouter(router, dataset.test, { fitMs }), fitMs };
}

interface Row {
  seed: number;
  top1: number | null;
  in_scope_at_oos_recall_0_6: number | null;
  balanced: { in_scope: number | null; oos_recall: number | null };
  target_oos_recall_0_6: { in_scope: number | null; oos_recall: number | null };
  fit_ms: number;
}

const rows: Row[] = [];
for (const seed of seeds) {
  const balanced = await run(seed);
  const at60 = await run(seed, { kind: 'oos-recall', target: 0.6 });
  const point = balanced.metrics.trade_off.operating_points.find((p) => p.target_oos_recall === 0.6);
  rows.push({
    seed,
    top1: round(balanced.metrics.top1_accuracy),
    in_scope_at_oos_recall_0_6: round(point?.in_scope_accuracy),
    balanced: { in_scope: round(balanced.metrics.accuracy), oos_recall: round(balanced.metrics.oos_recall) },
    target_oos_recall_0_6: { in_scope: round(at60.metrics.accuracy), oos_recall: round(at60.metrics.oos_recall) },
    fit_ms: Math.round(balanced.fitMs),
  });
  process.stderr.write(`seed ${seed} done\n`);
}
const mean = (pick: (r: Row) => number | null) => round(rows.reduce((a, r) => a + (pick(r) ?? 0), 0) / rows.length);
process.stdout.write(
  `${JSON.stringify({ router: args.includes('--baseline') ? 'baseline (softmax)' : 'linear (defaults)', seeds, mean_top1: mean((r) => r.top1), mean_in_scope_at_oos_recall_0_6: mean((r) => r.in_scope_at_oos_recall_0_6), rows })}\n`,
);
