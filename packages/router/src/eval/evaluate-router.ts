import type { LabeledText, RouteDecision } from '../routing/route.ts';
import type { Router } from '../routing/router.ts';
import { classificationMetrics, type ClassificationMetrics, type Prediction } from './metrics.ts';
import { percentile } from './percentile.ts';
import { tradeOffCurve, type TradeOff } from './trade-off-curve.ts';

export interface RouterEvaluation extends ClassificationMetrics {
  route_p50_us: number | null;
  route_p99_us: number | null;
  /** Fit time when the caller measured one (see `runRouterEval`), else null. */
  fit_ms: number | null;
  examples: number;
  /** What other thresholds would give on the same data: the curve and the best point per OOS-recall target. */
  trade_off: TradeOff;
}

export interface EvaluateOptions {
  fitMs?: number;
  /** Calls routed (and not timed) first, so the JIT has warmed up (default 20). */
  warmup?: number;
}

/** Routes every text once (timing each call) and scores the decisions against the labels. */
export async function evaluateRouter(router: Router, data: readonly LabeledText[], options: EvaluateOptions = {}): Promise<RouterEvaluation> {
  const warmup = Math.min(options.warmup ?? 20, data.length);
  for (let i = 0; i < warmup; i++) await router.route(data[i].text);
  const latencies: number[] = [];
  const predictions: Prediction[] = [];
  for (const example of data) {
    const start = process.hrtime.bigint();
    const result = router.route(example.text);
    // Await only async routers, so a sync router's time has no promise overhead in it.
    const decision = result instanceof Promise ? await result : result;
    latencies.push(Number(process.hrtime.bigint() - start) / 1000);
    predictions.push(toPrediction(example.label, decision));
  }
  return {
    ...classificationMetrics(predictions),
    route_p50_us: percentile(latencies, 50),
    route_p99_us: percentile(latencies, 99),
    fit_ms: options.fitMs ?? null,
    examples: data.length,
    trade_off: tradeOffCurve(predictions),
  };
}

function toPrediction(label: string | null, decision: RouteDecision): Prediction {
  let top: string | null = null;
  let best = -Infinity;
  for (const [route, score] of Object.entries(decision.scores)) {
    if (score > best) {
      best = score;
      top = route;
    }
  }
  return { label, route: decision.route, top: top ?? decision.route, confidence: decision.confidence };
}
