import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectModel, isPlugboardError } from '@plugboard/core';
import { TINY_SHAPES, writeFixtureModel } from '@plugboard/core/testing';
import { codeMappingExamples } from '../data/synthetic-tasks.ts';
import { runTrain } from '../run-train.ts';
import { LITTLE_DATA_EXAMPLES, adviseMethod } from './advise-method.ts';
import type { AdviceRequest } from './advise-method.ts';

const root = mkdtempSync(join(tmpdir(), 'plugboard-advise-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// 8 layers, so a quarter of them (LISA's 2) is fewer than all
const deep = inspectModel(writeFixtureModel(join(root, 'deep'), { ...TINY_SHAPES, numLayers: 8, seed: 1 }).dir);
const advise = (request: AdviceRequest) => adviseMethod(deep.config, deep.memoryBytes, request);

describe('adviseMethod', () => {
  it('plenty of data, no limits: a dense rank-16 LoRA over the fp32 base', () => {
    const advice = advise({ examples: 5000 });
    expect(advice.method).toMatchObject({ kind: 'lora', rank: 16 });
    expect(advice.baseDtype).toBe('fp32');
    expect(advice.trainFlags.slice(0, 2)).toEqual(['--method', 'lora']);
    expect(advice.servingBytes).toBe(deep.memoryBytes.fp32 + advice.adapterBytes);
  });

  it('little data: LISA in a quarter of the layers, said to be a rule of thumb', () => {
    const advice = advise({ examples: LITTLE_DATA_EXAMPLES - 1 });
    expect(advice.method).toMatchObject({ kind: 'lisa', adapterKind: 'lora', topK: 2, probe: 'gradient' });
    expect(advice.reasons.find((r) => r.says.includes('little data'))?.grounds).toBe('rule of thumb');
    // the sparse adapter is a quarter of the dense one of the same rank
    const dense = advise({ examples: LITTLE_DATA_EXAMPLES, updates: 'rare' });
    expect(dense.method).toMatchObject({ kind: 'lora', rank: 8 });
    expect(advice.adapterBytes * 4).toBe(dense.adapterBytes);
  });

  it('vLLM and LoRAX get a LoRA even when only a bottleneck Adapter would fit', () => {
    for (const deployment of ['vllm', 'lorax'] as const) {
      const advice = advise({ examples: 5000, deployment, skills: 20, memoryBudgetBytes: deep.memoryBytes.fp32 + 20 * advise({ examples: 5000 }).adapterBytes - 1 });
      expect(advice.method.kind === 'lora' || (advice.method.kind === 'lisa' && advice.method.adapterKind === 'lora')).toBe(true);
      expect(advice.reasons[0]).toEqual({ says: expect.stringContaining(`${deployment} serves LoRA adapters only`), grounds: 'engine' });
    }
  });

  it('a memory budget picks the first configuration that fits, and says why', () => {
    const budget = deep.memoryBytes.fp32 + 100 * advise({ examples: 5000 }).adapterBytes * 0.5;
    const advice = advise({ examples: 5000, skills: 100, memoryBudgetBytes: budget });
    expect(advice.servingBytes).toBeLessThanOrEqual(budget);
    expect(advice.method.kind).not.toBe('lora');
    expect(advice.reasons.some((r) => r.grounds === 'computed' && r.says.startsWith('the budget does not hold'))).toBe(true);
    // tighter than any fp32 fit: a quantized base, trained over as it is served
    const tight = advise({ examples: 5000, skills: 1, memoryBudgetBytes: deep.memoryBytes.fp32 });
    expect(tight.baseDtype).toBe('int8');
    expect(tight.trainFlags).toEqual(expect.arrayContaining(['--base-dtype', 'int8']));
  });

  it('refuses a budget nothing fits, saying what the smallest needs', () => {
    let error: unknown;
    try {
      advise({ examples: 5000, memoryBudgetBytes: 1000 });
    } catch (e) {
      error = e;
    }
    expect(isPlugboardError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(/no method fits .*the smallest .* needs/);
  });

  it.each([
    ['lora', { examples: 5000 }],
    ['adapter', { examples: 5000, skills: 100, memoryBudgetBytes: deep.memoryBytes.fp32 + 100 * 300_000 }],
  ] as const)('its %s size equals what the trainer trains (4 bytes a parameter)', async (kind, request) => {
    const advice = advise(request);
    expect(advice.method.kind).toBe(kind);
    const data = join(root, `${kind}.jsonl`);
    writeFileSync(data, codeMappingExamples(20, 2).map((e) => JSON.stringify(e)).join('\n'));
    const result = await runTrain({ base: deep.dir, data, method: advice.method, out: join(root, `${kind}-run`), skill: false, options: { steps: 1, batch: 2, sequence: 16, schedule: { learningRate: 1e-3 } } });
    expect(result.trainableParameters * 4).toBe(advice.adapterBytes);
  });
});
