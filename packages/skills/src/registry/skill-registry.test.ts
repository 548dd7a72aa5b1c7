import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureModel } from '@plugboard/core/testing';
import type { FixtureModel } from '@plugboard/core/testing';
import { loadSkill } from '../manifest/load-skill.ts';
import { writeFixtureSkill } from '../manifest/write-fixture-skill.ts';
import { SkillRegistry } from './skill-registry.ts';
import { codeOf } from '../testing/test-helpers.ts';

let root: string;
let model: FixtureModel;
let sqlDir: string;
let mathDir: string;
let foreignDir: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'plugboard-registry-'));
  model = writeFixtureModel(join(root, 'model'));
  const other = writeFixtureModel(join(root, 'other'), { hiddenSize: 32 });
  sqlDir = join(root, 'sql');
  mathDir = join(root, 'math');
  foreignDir = join(root, 'foreign');
  writeFixtureSkill(sqlDir, { config: model.config, name: 'sql', examples: ['count the users', 'join two tables'], keywords: ['sql', 'select'] });
  writeFixtureSkill(mathDir, { config: model.config, name: 'math', kind: 'adapter', rank: 8, examples: ['integrate x^2'] });
  writeFixtureSkill(foreignDir, { config: other.config, name: 'foreign', examples: ['something else'] });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));


describe('SkillRegistry', () => {
  it('adds, lists, gets and removes skills', () => {
    const registry = new SkillRegistry();
    registry.add(sqlDir);
    registry.add(loadSkill(mathDir));
    expect(registry.names()).toEqual(['sql', 'math']);
    expect(registry.get('math').adapter.kind).toBe('adapter');
    expect(registry.has('sql')).toBe(true);
    expect(registry.remove('sql')).toBe(true);
    expect(registry.remove('sql')).toBe(false);
    expect(registry.list().map((s) => s.manifest.name)).toEqual(['math']);
    expect(codeOf(() => registry.get('sql'))).toBe('INVALID_ARGUMENT');
  });

  it('adds every skill package in a folder, skipping other entries', () => {
    const folder = join(root, 'skills-folder');
    writeFixtureSkill(join(folder, 'b-sql'), { config: model.config, name: 'sql', examples: ['count the users'] });
    writeFixtureSkill(join(folder, 'a-math'), { config: model.config, name: 'math', examples: ['integrate x^2'] });
    mkdirSync(join(folder, 'notes'));
    writeFileSync(join(folder, 'README.md'), 'not a skill');
    const registry = new SkillRegistry();
    expect(registry.addFolder(folder).map((s) => s.manifest.name)).toEqual(['math', 'sql']);
    expect(registry.routes().map((r) => r.name)).toEqual(['math', 'sql']);
    expect(() => registry.addFolder(join(root, 'missing'))).toThrow(expect.objectContaining({ code: 'FILE_NOT_FOUND' }));
  });

  it('refuses a second skill of the same name unless asked to replace it', () => {
    const registry = new SkillRegistry();
    const first = registry.add(sqlDir);
    expect(codeOf(() => registry.add(sqlDir))).toBe('INVALID_ARGUMENT');
    expect(registry.get('sql')).toBe(first);
    const second = registry.add(sqlDir, { replace: true });
    expect(registry.get('sql')).toBe(second);
  });

  it('gives the router one route per skill from the manifests', () => {
    const registry = new SkillRegistry();
    registry.add(sqlDir);
    registry.add(mathDir);
    expect(registry.routes()).toEqual([
      { name: 'sql', examples: ['count the users', 'join two tables'], keywords: ['sql', 'select'] },
      { name: 'math', examples: ['integrate x^2'] },
    ]);
  });

  it("merges the manifests' out-of-scope texts, leaving out repeats and any text another skill routes", () => {
    const folder = join(root, 'oos-folder');
    writeFixtureSkill(join(folder, 'sql'), { config: model.config, name: 'sql', examples: ['count the users'], outOfScope: ['write a poem about spring', 'what is the capital of france'] });
    writeFixtureSkill(join(folder, 'writer'), { config: model.config, name: 'writer', examples: ['Write a poem about spring'], outOfScope: ['What is the capital of France ', 'convert 3 miles to km'] });
    writeFixtureSkill(join(folder, 'math'), { config: model.config, name: 'math', examples: ['integrate x^2'] });
    const registry = new SkillRegistry();
    registry.addFolder(folder);
    expect(registry.outOfScope()).toEqual(['what is the capital of france', 'convert 3 miles to km']);
  });

  it('validates every skill against a base model, one report each', () => {
    const registry = new SkillRegistry();
    registry.add(sqlDir);
    registry.add(mathDir);
    registry.add(foreignDir);
    const reports = registry.validateAgainst(model.dir);
    expect(reports.map((r) => [r.name, r.ok])).toEqual([
      ['sql', true],
      ['math', true],
      ['foreign', false],
    ]);
    expect(reports[2]?.problems.map((p) => p.code)).toEqual(['ADAPTER_INCOMPATIBLE']);
    // a config reference (no fingerprint) gives the same verdicts
    expect(registry.validateAgainst({ config: model.config }).map((r) => r.ok)).toEqual([true, true, false]);
  });

  it('reads adapter weights only when asked, and refuses a skill that does not fit', () => {
    const registry = new SkillRegistry();
    registry.add(sqlDir);
    registry.add(foreignDir);
    const adapter = registry.loadAdapter('sql', { config: model.config });
    expect(adapter.kind === 'lora' && adapter.layers).toEqual([0, 1]);
    expect(codeOf(() => registry.loadAdapter('foreign', { config: model.config }))).toBe('ADAPTER_INCOMPATIBLE');
  });
});
