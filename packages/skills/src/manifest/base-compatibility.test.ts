import { mkdtempSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { writeFixtureModel } from '@plugboard/core/testing';
import type { FixtureModel } from '@plugboard/core/testing';
import { resolveBaseModel } from './base-model-ref.ts';
import type { BaseModelRef } from './base-model-ref.ts';
import { loadSkill } from './load-skill.ts';
import { readSkillAdapter } from './read-skill-adapter.ts';
import { skillProblems } from './skill-problems.ts';
import { writeFixtureSkill } from './write-fixture-skill.ts';
import { codeOf, editJson, tempDir } from '../testing/test-helpers.ts';

let root: string;
let model: FixtureModel;
let base: BaseModelRef;
let otherModel: FixtureModel;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'plugboard-skill-base-'));
  model = writeFixtureModel(join(root, 'model'), { seed: 1 });
  base = resolveBaseModel(model.dir);
  // same shapes but a hidden size of 32: adapters for it do not fit `model`
  otherModel = writeFixtureModel(join(root, 'other-model'), { hiddenSize: 32, seed: 2 });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));




describe('checking a skill against its base model', () => {
  it('passes a skill made for the base, and reads its adapter for the bank', () => {
    const dir = join(tempDir(root, 'case-'), 'ok');
    const written = writeFixtureSkill(dir, { config: model.config, name: 'ok', rank: 4, modules: ['q', 'down'], baseFingerprint: base.fingerprint ?? undefined });
    const skill = loadSkill(dir, { base: model.dir });
    expect(skillProblems(skill, base)).toEqual([]);
    const adapter = readSkillAdapter(skill, base);
    expect(adapter.kind).toBe('lora');
    expect(adapter.name).toBe('ok');
    expect(adapter.sha256).toBe(written.sha256);
    expect(adapter.baseFingerprint).toBe(base.fingerprint);
    if (adapter.kind === 'lora') {
      expect(adapter.modules).toEqual(['q', 'down']);
      expect(adapter.weights.get('1.down')?.a.length).toBe(model.config.intermediateSize * 4);
    }
  });

  it('refuses an adapter shaped for another base (ADAPTER_INCOMPATIBLE)', () => {
    const dir = join(tempDir(root, 'case-'), 'foreign');
    writeFixtureSkill(dir, { config: otherModel.config, name: 'foreign' });
    expect(codeOf(() => loadSkill(dir))).toBe('no error');
    expect(codeOf(() => loadSkill(dir, { base: model.dir }))).toBe('ADAPTER_INCOMPATIBLE');
    const problems = skillProblems(loadSkill(dir), base);
    expect(problems.map((p) => p.code)).toEqual(['ADAPTER_INCOMPATIBLE']);
    expect(problems[0]?.message).toContain('this base needs');
  });

  it('refuses a skill trained on other base weights (fingerprint)', () => {
    const dir = join(tempDir(root, 'case-'), 'fp');
    writeFixtureSkill(dir, { config: model.config, baseFingerprint: 'a'.repeat(64) });
    expect(codeOf(() => loadSkill(dir, { base: model.dir }))).toBe('ADAPTER_INCOMPATIBLE');
    // only the manifest states it: still refused, and carried to the bank
    editJson(join(dir, 'skill.json'), (json) => {
      (json.baseModel as Record<string, unknown>).fingerprint = 'b'.repeat(64);
    });
    expect(codeOf(() => loadSkill(dir))).toBe('ADAPTER_INVALID'); // manifest and adapter metadata disagree
  });

  it('carries a fingerprint stated only in the manifest onto the loaded adapter', () => {
    const dir = join(tempDir(root, 'case-'), 'fp-manifest');
    writeFixtureSkill(dir, { config: model.config });
    editJson(join(dir, 'skill.json'), (json) => {
      (json.baseModel as Record<string, unknown>).fingerprint = base.fingerprint;
    });
    const skill = loadSkill(dir);
    expect(readSkillAdapter(skill, base).baseFingerprint).toBe(base.fingerprint);
    expect(codeOf(() => readSkillAdapter(skill, { config: model.config, fingerprint: 'c'.repeat(64) }))).toBe('ADAPTER_INCOMPATIBLE');
  });

  it('refuses a weights file larger than a rank-r adapter on this base could need', () => {
    const dir = join(tempDir(root, 'case-'), 'big');
    writeFixtureSkill(dir, { config: model.config, rank: 64, modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] });
    // the config now claims rank 1: the file is far over what rank 1 on two layers needs
    editJson(join(dir, 'adapter', 'adapter_config.json'), (json) => {
      json.r = 1;
    });
    const problems = skillProblems(loadSkill(dir), base);
    expect(problems.map((p) => p.code)).toEqual(['ADAPTER_INCOMPATIBLE']);
    expect(problems[0]?.details?.bytes).toBeGreaterThan(problems[0]?.details?.limit as number);
  });

  it('reports NaN weights as ADAPTER_INVALID when the weights are read', () => {
    const dir = join(tempDir(root, 'case-'), 'nan');
    writeFixtureSkill(dir, { config: model.config });
    const path = join(dir, 'adapter', 'adapter_model.safetensors');
    const headerLength = Number(readFileSync(path).readBigUInt64LE(0));
    const fd = openSync(path, 'r+');
    writeSync(fd, new Uint8Array(new Float32Array([Number.NaN]).buffer), 0, 4, 8 + headerLength + 4);
    closeSync(fd);
    const skill = loadSkill(dir, { base: model.dir }); // headers are fine
    expect(codeOf(() => readSkillAdapter(skill, base))).toBe('ADAPTER_INVALID');
    expect(skillProblems(skill, base).map((p) => p.code)).toEqual(['ADAPTER_INVALID']);
  });
});

describe('LISA skills', () => {
  it('records the chosen layers and their importance, and the adapter covers exactly them', () => {
    const dir = join(tempDir(root, 'case-'), 'lisa');
    const { manifest } = writeFixtureSkill(dir, { config: model.config, layers: [1] });
    expect(manifest.lisa?.layers).toEqual([1]);
    expect(manifest.lisa?.importance).toHaveLength(model.config.numLayers);
    const importance = manifest.lisa?.importance ?? [];
    expect(importance[1]).toBeGreaterThan(importance[0] as number);
    const skill = loadSkill(dir, { base: model.dir });
    expect(skill.adapter.layers).toEqual([1]);
    const adapter = readSkillAdapter(skill, base);
    expect(adapter.kind === 'lora' && adapter.layers).toEqual([1]);
  });

  it('refuses lisa.layers that disagree with the adapter', () => {
    const dir = join(tempDir(root, 'case-'), 'lisa');
    writeFixtureSkill(dir, { config: model.config, layers: [1] });
    editJson(join(dir, 'skill.json'), (json) => {
      json.lisa = { layers: [0], importance: [0.5, 0.4] };
    });
    expect(codeOf(() => loadSkill(dir))).toBe('ADAPTER_INVALID');
  });

  it('refuses importance scores for a different number of layers', () => {
    const dir = join(tempDir(root, 'case-'), 'lisa');
    writeFixtureSkill(dir, { config: model.config, layers: [1] });
    editJson(join(dir, 'skill.json'), (json) => {
      json.lisa = { layers: [1], importance: [0.5, 0.9, 0.1] };
    });
    expect(codeOf(() => loadSkill(dir))).toBe('no error');
    expect(codeOf(() => loadSkill(dir, { base: model.dir }))).toBe('ADAPTER_INCOMPATIBLE');
  });
});

describe('bottleneck adapter skills', () => {
  for (const format of ['plugboard', 'ms-swift'] as const) {
    it(`loads a ${format} bottleneck skill and checks its hidden size`, () => {
      const dir = join(tempDir(root, 'case-'), format);
      writeFixtureSkill(dir, { config: model.config, kind: 'adapter', format, rank: 8, layers: [0] });
      const skill = loadSkill(dir, { base: model.dir });
      expect(skill.adapter.kind).toBe('adapter');
      expect(skill.adapter.rank).toBe(8);
      expect(skill.adapter.layers).toEqual([0]);
      const adapter = readSkillAdapter(skill, base);
      expect(adapter.kind === 'adapter' && adapter.width).toBe(8);

      const foreign = join(tempDir(root, 'case-'), `${format}-foreign`);
      writeFixtureSkill(foreign, { config: otherModel.config, kind: 'adapter', format, rank: 8 });
      expect(codeOf(() => loadSkill(foreign, { base: model.dir }))).toBe('ADAPTER_INCOMPATIBLE');
    });
  }
});
