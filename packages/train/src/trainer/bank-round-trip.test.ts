/**
 * A skill trained here, written as PEFT, read back and loaded into the core
 * adapter bank, gives the serving graph the same logits as the training
 * graph's forward with the trained parameters.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KvCache, createAdapterBank, loadModel, maxAbsDiff, readAdapter, runStep } from '@plugboard/core';
import { TINY_SHAPES, writeFixtureModel } from '@plugboard/core/testing';
import { codeMappingExamples } from '../data/synthetic-tasks.ts';
import { batchOfRows } from '../data/token-batch.ts';
import type { MethodOptionsInput } from '../methods/method-options.ts';
import { buildTrainingGraph } from '../model/training-graph.ts';
import { runTrain } from '../run-train.ts';
import { batchFeeds } from './batch-feeds.ts';
import { GraphRunner } from './graph-runner.ts';

const root = mkdtempSync(join(tmpdir(), 'plugboard-bank-round-trip-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const base = writeFixtureModel(join(root, 'base'), { ...TINY_SHAPES, seed: 4 }).dir;
const data = join(root, 'task.jsonl');
writeFileSync(data, codeMappingExamples(120, 2).map((e) => JSON.stringify(e)).join('\n'));
const SEQUENCE = 16;

describe('trained adapter → PEFT → core bank', () => {
  it.each<[string, MethodOptionsInput]>([
    ['lora', { kind: 'lora', rank: 4, alpha: 8, modules: ['q', 'k', 'v', 'o', 'down'] }],
    ['lisa', { kind: 'lisa', rank: 8, alpha: 8, useRslora: true, modules: ['q', 'v', 'gate'], topK: 1 }],
  ])('%s: serving logits equal the training graph forward (≤ 1e-4)', async (name, method) => {
    const out = join(root, name);
    const result = await runTrain({ base, data, method, out, options: { steps: 12, batch: 4, sequence: SEQUENCE, seed: 3, schedule: { learningRate: 5e-2 } } });

    const model = await loadModel(base, { logits: 'all', cacheDir: join(root, 'graphs'), adapters: { slots: 2, lora: { rank: 8, modules: ['q', 'k', 'v', 'o', 'gate', 'down'] } } });
    const bank = createAdapterBank(model);
    const { slot } = bank.load(readAdapter(out, { config: model.config }));
    const tokens = Array.from({ length: SEQUENCE }, (_, i) => (i * 37 + 11) % 500);
    const serving = await runStep(model.session, KvCache.empty(model.config, 1), [{ tokens, adapterSlot: slot }], model.slotFeeds());
    const base0 = await runStep(model.session, KvCache.empty(model.config, 1), [{ tokens, adapterSlot: 0 }], model.slotFeeds());
    await model.dispose();

    const graph = buildTrainingGraph(model.config, { batch: 1, sequence: SEQUENCE, method: result.plan.graphMethod, logits: true });
    const runner = await GraphRunner.open(graph.graph);
    const trained = await runner.run({ ...result.store.feeds(), ...batchFeeds(batchOfRows([{ tokens: [...tokens, 0], weights: tokens.map(() => 1).concat(1) }], 1, SEQUENCE)) }, ['logits']);
    await runner.release();

    const diff = maxAbsDiff(serving.logits, trained.get('logits') as Float32Array);
    console.log(`[bank round trip] ${name}: max |serving - training| ${diff.toExponential(2)}, vs base ${maxAbsDiff(serving.logits, base0.logits).toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-4);
    // and the adapter really changes the output (the comparison is not base vs base)
    expect(maxAbsDiff(serving.logits, base0.logits)).toBeGreaterThan(1e-3);
  });
});
