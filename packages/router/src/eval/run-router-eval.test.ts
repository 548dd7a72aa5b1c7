import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPlugboardError } from '@plugboard/core';
import { generateMultiDomainDataset } from '../datasets/multi-domain/generate-multi-domain.ts';
import { HashedWordEmbeddings } from '../routing/embedding/hashed-word-embeddings.ts';
import { runRouterEval } from './run-router-eval.ts';

describe('runRouterEval', () => {
  it('fits, calibrates and evaluates from files (what the CLI calls)', async () => {
    const dataset = generateMultiDomainDataset({ seed: 2, trainPerRoute: 40, testPerRoute: 10, outOfScopeForTest: 40 });
    const dir = await mkdtemp(join(tmpdir(), 'router-eval-'));
    const routesFile = join(dir, 'routes.json');
    const dataFile = join(dir, 'test.jsonl');
    await writeFile(routesFile, JSON.stringify({ routes: dataset.routes, outOfScope: dataset.outOfScope }));
    await writeFile(dataFile, dataset.test.map((e) => JSON.stringify(e)).join('\n'));

    const result = await runRouterEval({ routesFile, dataFile, strategy: 'linear' });
    expect(result.metrics.examples).toBe(dataset.test.length);
    // test texts come from held-out templates and slot values: a lexical router gets about half right (chance: 0.1)
    expect(result.metrics.top1_accuracy).toBeGreaterThan(0.35);
    expect(result.metrics.accuracy).toBeLessThanOrEqual(result.metrics.top1_accuracy as number);
    expect(result.metrics.oos_recall).toBeGreaterThan(0.7);
    // the trade-off runs from "accept everything" (in-scope accuracy = top-1, nothing rejected) to "reject everything"
    const curve = result.metrics.trade_off.curve;
    expect(curve[0]).toMatchObject({ oos_recall: 0, in_scope_accuracy: result.metrics.top1_accuracy });
    expect(curve.at(-1)).toMatchObject({ oos_recall: 1, in_scope_accuracy: 0 });
    for (let i = 1; i < curve.length; i++) expect(curve[i].oos_recall).toBeGreaterThanOrEqual(curve[i - 1].oos_recall);
    expect(result.tradeOffSvg).toContain('<path');
    expect(result.metrics.fit_ms).toBeGreaterThan(0);
    expect(result.calibration?.calibration.threshold).toBeGreaterThan(0);
    expect(result.metrics.confusion.labels).toHaveLength(11);
    expect(result.confusionSvg).toContain('Router confusion matrix (linear)');
  });

  it('scores far higher when test texts share the training templates (what the old claim measured)', async () => {
    const held = generateMultiDomainDataset({ seed: 2, trainPerRoute: 40, testPerRoute: 10, outOfScopeForTest: 40 });
    const shared = generateMultiDomainDataset({ seed: 2, trainPerRoute: 40, testPerRoute: 10, outOfScopeForTest: 40, heldOutTemplates: 0 });
    const [onHeld, onShared] = await Promise.all(
      [held, shared].map((d) => runRouterEval({ routes: d.routes, outOfScope: d.outOfScope, data: d.test, strategy: 'linear' })),
    );
    expect(onShared.metrics.top1_accuracy).toBeGreaterThan(0.95);
    expect(onShared.metrics.top1_accuracy as number).toBeGreaterThan((onHeld.metrics.top1_accuracy as number) + 0.2);
  });

  it('calibrates to the operating point asked for', async () => {
    const d = generateMultiDomainDataset({ seed: 3, trainPerRoute: 40, testPerRoute: 10, outOfScopeForCalibration: 120, outOfScopeForTest: 40 });
    const low = await runRouterEval({ routes: d.routes, outOfScope: d.outOfScope, data: d.test, strategy: 'linear', calibration: { objective: { kind: 'oos-recall', target: 0.5 } } });
    const high = await runRouterEval({ routes: d.routes, outOfScope: d.outOfScope, data: d.test, strategy: 'linear', calibration: { objective: { kind: 'oos-recall', target: 0.95 } } });
    expect(low.calibration?.calibration.threshold as number).toBeLessThan(high.calibration?.calibration.threshold as number);
    expect(low.metrics.accuracy as number).toBeGreaterThan(high.metrics.accuracy as number);
    expect(low.metrics.oos_recall as number).toBeLessThan(high.metrics.oos_recall as number);
  });

  it('runs the other strategies from routes given directly', async () => {
    const routes = [
      { name: 'weather', examples: ['rain tomorrow', 'sunny weather today', 'weather forecast', 'cold weather tonight'], keywords: ['forecast'] },
      { name: 'billing', examples: ['refund my payment', 'card charged twice', 'billing address', 'invoice payment due'], keywords: ['invoice'] },
    ];
    const data = [
      { text: 'forecast for rome', label: 'weather' },
      { text: 'where is my invoice', label: 'billing' },
      { text: 'play some jazz', label: null },
    ];
    const rules = await runRouterEval({ routes, data, strategy: 'rules' });
    expect(rules.metrics.accuracy).toBe(1);
    expect(rules.metrics.oos_recall).toBe(1);
    expect(rules.calibration).toBeNull();
    const cascade = await runRouterEval({ routes, data, strategy: 'cascade' });
    expect(cascade.metrics.accuracy).toBe(1);
    const embedding = await runRouterEval({ routes, data, strategy: 'embedding', embedder: new HashedWordEmbeddings(256), calibration: { objective: { kind: 'in-scope-coverage', target: 0.9 } } });
    expect(embedding.metrics.examples).toBe(3);
  });

  it('fails with codes on bad input', async () => {
    const routes = [{ name: 'a', examples: ['x', 'y'] }];
    await expect(runRouterEval({ routes, data: [{ text: 't', label: 'zzz' }], strategy: 'linear' })).rejects.toSatisfy((e: unknown) => isPlugboardError(e, 'DATA_INVALID'));
    await expect(runRouterEval({ routes, data: [{ text: 't', label: 'a' }], strategy: 'embedding' })).rejects.toSatisfy((e: unknown) => isPlugboardError(e, 'INVALID_ARGUMENT'));
    await expect(runRouterEval({ data: [{ text: 't', label: 'a' }], strategy: 'linear' })).rejects.toSatisfy((e: unknown) => isPlugboardError(e, 'INVALID_ARGUMENT'));
    await expect(runRouterEval({ routesFile: '/nonexistent/routes.json', data: [], strategy: 'linear' })).rejects.toSatisfy((e: unknown) => isPlugboardError(e, 'FILE_NOT_FOUND'));
  });
});
