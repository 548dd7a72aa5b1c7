/**
 * The skill round trip, per training method: train on a tiny task → a skill
 * package → validateSkill → registry → adapter bank → the serving graph's
 * logits equal the training graph's forward with the trained parameters
 * (≤ 1e-4) → a different base is refused with ADAPTER_INCOMPATIBLE naming
 * both fingerprints.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KvCache, createAdapterBank, loadModel, maxAbsDiff, readAdapter, runStep } from '@plugboard/core';
import type { AdapterSlotLayout } from '@plugboard/core';
import { TINY_SHAPES, writeFixtureModel } from '@plugboard/core/testing';
import { SkillRegistry, inspectSkill, resolveBaseModel, validateSkill } from '@plugboard/skills';
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
// same shapes, other weights: only the fingerprint tells them apart
const otherBase = writeFixtureModel(join(root, 'other-base'), { ...TINY_SHAPES, seed: 5 }).dir;
const data = join(root, 'task.jsonl');
writeFileSync(data, codeMappingExamples(120, 2).map((e) => JSON.stringify(e)).join('\n'));
const SEQUENCE = 16;

const LORA_SLOTS: AdapterSlotLayout = { slots: 2, lora: { rank: 8, modules: ['q', 'k', 'v', 'o', 'gate', 'down'] } };

describe('train → skill package → validate → registry → bank', () => {
  it.each<[string, MethodOptionsInput, AdapterSlotLayout]>([
    ['lora', { kind: 'lora', rank: 4, alpha: 8, modules: ['q', 'k', 'v', 'o', 'down'] }, LORA_SLOTS],
    ['lisa', { kind: 'lisa', rank: 8, alpha: 8, useRslora: true, modules: ['q', 'v', 'gate'], topK: 1 }, LORA_SLOTS],
    ['adapter', { kind: 'adapter', width: 8, activation: 'gelu' }, { slots: 2, bottleneck: { width: 8, activation: 'gelu' } }],
    ['lisa-adapter', { kind: 'lisa', adapterKind: 'bottleneck', width: 8, activation: 'gelu', topK: 1 }, { slots: 2, bottleneck: { width: 8, activation: 'gelu' } }],
  ])('%s: serving logits equal the training graph forward (≤ 1e-4); another base is refused', async (name, method, slots) => {
    const out = join(root, `${name}-skill`);
    const result = await runTrain({ base, data, method, out, options: { steps: 12, batch: 4, sequence: SEQUENCE, seed: 3, schedule: { learningRate: 5e-2 } } });

    // a complete package, nothing else beside it (no staging folder, no checkpoint inside)
    expect(readdirSync(out).sort()).toEqual(['adapter', 'report', 'skill.json', 'skill.schema.json']);
    expect(readdirSync(root).filter((entry) => entry.includes('.partial-'))).toEqual([]);
    const report = readdirSync(join(out, 'report')).sort();
    expect(report).toEqual(name.startsWith('lisa') ? ['layer-importance.json', 'layer-importance.svg', 'loss-curve.json', 'loss-curve.svg', 'metrics.json'] : ['loss-curve.json', 'loss-curve.svg', 'metrics.json']);
    const manifest = JSON.parse(readFileSync(join(out, 'skill.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ $schema: './skill.schema.json', name: `${name}-skill`, adapter: { kind: name.endsWith('adapter') ? 'adapter' : 'lora', path: 'adapter' } });
    expect(result.manifest?.routing.examples.length).toBeGreaterThan(0);

    const baseRef = resolveBaseModel(base);
    expect(baseRef.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(result.manifest?.baseModel.fingerprint).toBe(baseRef.fingerprint);
    expect(inspectSkill(out).baseModel.fingerprint).toBe(baseRef.fingerprint);
    expect(readAdapter(join(out, 'adapter'), { config: baseRef.config }).baseFingerprint).toBe(baseRef.fingerprint);
    // a LISA skill of either kind names the probe's layers and their scores
    if (name.startsWith('lisa')) expect(result.manifest?.lisa?.layers).toEqual(result.plan.importance?.ranking.slice(0, 1));

    const validation = validateSkill(out, { modelDir: base });
    expect(validation.problems).toEqual([]);
    expect(validation.ok).toBe(true);

    const registry = new SkillRegistry();
    registry.add(out, { base });
    const model = await loadModel(base, { logits: 'all', cacheDir: join(root, 'graphs'), adapters: slots });
    const bank = createAdapterBank(model);
    const { slot } = bank.load(registry.loadAdapter(`${name}-skill`, { config: model.config, fingerprint: model.weightsFingerprint }));
    const tokens = Array.from({ length: SEQUENCE }, (_, i) => (i * 37 + 11) % 500);
    const serving = await runStep(model.session, KvCache.empty(model.config, 1), [{ tokens, adapterSlot: slot }], model.slotFeeds());
    const base0 = await runStep(model.session, KvCache.empty(model.config, 1), [{ tokens, adapterSlot: 0 }], model.slotFeeds());
    await model.dispose();

    const graph = buildTrainingGraph(model.config, { batch: 1, sequence: SEQUENCE, method: result.plan.graphMethod, logits: true });
    const runner = await GraphRunner.open(graph.graph);
    const trained = await runner.run({ ...result.store.feeds(), ...batchFeeds(batchOfRows([{ tokens: [...tokens, 0], weights: tokens.map(() => 1).concat(1) }], 1, SEQUENCE)) }, ['logits']);
    await runner.release();

    const diff = maxAbsDiff(serving.logits, trained.get('logits') as Float32Array);
    console.log(`[skill round trip] ${name}: max |serving - training| ${diff.toExponential(2)}, vs base ${maxAbsDiff(serving.logits, base0.logits).toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-4);
    // and the adapter really changes the output (the comparison is not base vs base)
    expect(maxAbsDiff(serving.logits, base0.logits)).toBeGreaterThan(1e-3);

    const foreign = validateSkill(out, { modelDir: otherBase });
    expect(foreign.ok).toBe(false);
    expect(foreign.problems.map((p) => p.code)).toEqual(['ADAPTER_INCOMPATIBLE']);
    const otherFingerprint = resolveBaseModel(otherBase).fingerprint as string;
    expect(foreign.problems[0]?.message).toContain(baseRef.fingerprint as string);
    expect(foreign.problems[0]?.message).toContain(otherFingerprint);
  });
});

describe('a failed packaging leaves nothing behind', () => {
  it('refuses a non-empty --out before training, and bad route examples without a partial package', async () => {
    const busy = join(root, 'busy');
    const method: MethodOptionsInput = { kind: 'lora', rank: 2, alpha: 4, modules: ['q'] };
    const options = { steps: 1, batch: 2, sequence: SEQUENCE, schedule: { learningRate: 1e-2 } };
    mkdirSync(busy);
    writeFileSync(join(busy, 'old.txt'), 'x');
    await expect(runTrain({ base, data, method, out: busy, options })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(readdirSync(busy)).toEqual(['old.txt']);

    const out = join(root, 'bad-keywords');
    await expect(runTrain({ base, data, method, out, options, skill: { keywords: ['   '] } })).rejects.toMatchObject({ code: 'MANIFEST_INVALID' });
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((entry) => entry.includes('.partial-'))).toEqual([]);
  });
});
