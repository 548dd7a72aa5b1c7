import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moduleFeatures } from '@plugboard/core';
import { writeFixtureModel } from '@plugboard/core/testing';
import type { FixtureModel } from '@plugboard/core/testing';
import { writeFixtureSkill } from '../manifest/write-fixture-skill.ts';
import { inspectSkill } from './inspect-skill.ts';
import { validateSkill } from './validate-skill.ts';

let root: string;
let model: FixtureModel;
let other: FixtureModel;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'plugboard-skill-commands-'));
  model = writeFixtureModel(join(root, 'model'));
  other = writeFixtureModel(join(root, 'other'), { hiddenSize: 32 });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('validateSkill', () => {
  it('reports a good skill as ok', () => {
    const dir = join(root, 'good');
    writeFixtureSkill(dir, { config: model.config, name: 'good' });
    const result = validateSkill(dir, { modelDir: model.dir });
    expect(result).toMatchObject({ ok: true, skill: { name: 'good', version: '1.0.0' }, problems: [] });
    expect(result.summary).toBe(`good@1.0.0: ok against ${model.dir}`);
  });

  it('reports problems instead of throwing', () => {
    const dir = join(root, 'foreign');
    writeFixtureSkill(dir, { config: other.config, name: 'foreign' });
    const result = validateSkill(dir, { modelDir: model.dir });
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.code)).toEqual(['ADAPTER_INCOMPATIBLE']);
    expect(result.summary).toContain('1 problem (ADAPTER_INCOMPATIBLE)');
    // without a base model only the package itself is checked
    expect(validateSkill(dir).ok).toBe(true);
  });

  it('reports a package that cannot be opened', () => {
    const dir = join(root, 'broken');
    writeFixtureSkill(dir, { config: model.config, name: 'broken' });
    appendFileSync(join(dir, 'adapter', 'adapter_model.safetensors'), new Uint8Array(8));
    const result = validateSkill(dir, { modelDir: model.dir });
    expect(result).toMatchObject({ ok: false, skill: null });
    expect(result.problems.map((p) => p.code)).toEqual(['ADAPTER_INVALID']);
  });
});

describe('inspectSkill', () => {
  it('describes the adapter from its headers', () => {
    const dir = join(root, 'inspect');
    writeFixtureSkill(dir, { config: model.config, name: 'inspect', rank: 2, modules: ['k', 'gate'], layers: [0], tools: ['search'] });
    const info = inspectSkill(dir);
    const k = moduleFeatures(model.config, 'k');
    const gate = moduleFeatures(model.config, 'gate');
    expect(info).toMatchObject({
      name: 'inspect',
      kind: 'lora',
      format: 'peft',
      layers: [0],
      rank: 2,
      modules: ['k', 'gate'],
      params: 2 * (k.inFeatures + k.outFeatures) + 2 * (gate.inFeatures + gate.outFeatures),
      dtypes: ['F32'],
      tools: ['search'],
      routing: { examples: 1, keywords: [] },
      compatibility: null,
    });
    expect(info.bytes).toBeGreaterThan(info.params * 4);
    expect(info.lisa?.layers).toEqual([0]);
  });

  it('reports compatibility with a base model when given one', () => {
    const dir = join(root, 'inspect-base');
    writeFixtureSkill(dir, { config: model.config, name: 'inspect-base' });
    expect(inspectSkill(dir, { modelDir: model.dir }).compatibility).toEqual({ ok: true, problems: [] });
    const foreign = inspectSkill(dir, { modelDir: other.dir }).compatibility;
    expect(foreign?.ok).toBe(false);
    expect(foreign?.problems[0]?.code).toBe('ADAPTER_INCOMPATIBLE');
  });
});
