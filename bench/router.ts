/**
 * Router benchmark: 150 synthetic routes × 100 examples; fits the linear strategy, then
 * routes ≥ 2000 held-out queries (after a warm-up). Prints one JSON object on stdout;
 * progress goes to stderr. Targets: fit ≤ 10 s, route p99 ≤ 1000 µs.
 * Run: pnpm exec tsx bench/router.ts
 */
import { generateSyntheticRoutes } from '../packages/router/src/datasets/synthetic-routes.ts';
import { percentile } from '../packages/router/src/eval/percentile.ts';
import { LinearRouter } from '../packages/router/src/routing/linear/linear-router.ts';

const ROUTES = 150;
const EXAMPLES_PER_ROUTE = 100;
const QUERIES_PER_ROUTE = 15;
const WARMUP = 300;

async function main(): Promise<void> {
  const { routes, queries } = generateSyntheticRoutes({ routes: ROUTES, examplesPerRoute: EXAMPLES_PER_ROUTE, queriesPerRoute: QUERIES_PER_ROUTE });
  process.stderr.write(`generated ${routes.length} routes, ${queries.length} held-out queries\n`);

  const router = new LinearRouter();
  const fitStart = performance.now();
  await router.fit(routes);
  const fitMs = performance.now() - fitStart;
  process.stderr.write(`fitted in ${fitMs.toFixed(0)} ms\n`);

  for (let i = 0; i < WARMUP; i++) router.route(queries[i % queries.length].text);
  const latencies: number[] = [];
  let correct = 0;
  for (const query of queries) {
    const start = process.hrtime.bigint();
    const decision = router.route(query.text);
    latencies.push(Number(process.hrtime.bigint() - start) / 1000);
    // Top route vs label: the bench measures the classifier; no threshold is fitted here.
    if (decision.route === query.label) correct++;
  }

  const result = {
    routes: ROUTES,
    examples_per_route: EXAMPLES_PER_ROUTE,
    fit_ms: Math.round(fitMs),
    route_p50_us: Math.round(percentile(latencies, 50) ?? 0),
    route_p99_us: Math.round(percentile(latencies, 99) ?? 0),
    accuracy: Number((correct / queries.length).toFixed(4)),
    queries: queries.length,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
