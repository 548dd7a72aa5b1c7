import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFixtureModel } from '@plugboard/core/testing';
import { validateSkill } from '../commands/validate-skill.ts';
import { SkillRegistry } from '../registry/skill-registry.ts';
import { codeOf, tempDir } from '../testing/test-helpers.ts';
import { loadSkill } from './load-skill.ts';
import { writeFixtureSkill } from './write-fixture-skill.ts';
import { resolveBaseModel } from './base-model-ref.ts';
import type { BaseModelRef } from './base-model-ref.ts';

/** A model folder and a skill package made for it, in a fresh temp folder. */
function fixture(kind: 'lora' | 'adapter' = 'lora'): { root: string; modelDir: string; dir: string; base: BaseModelRef } {
  const root = tempDir();
  const model = writeFixtureModel(join(root, 'model'));
  const dir = join(root, 'skill');
  writeFixtureSkill(dir, { config: model.config, name: 'special', kind });
  return { root, modelDir: model.dir, dir, base: resolveBaseModel(model.dir) };
}

function mkfifo(path: string): void {
  rmSync(path, { recursive: true, force: true });
  execFileSync('mkfifo', [path]);
}

describe('special files in a skill package are refused, never read', () => {
  it('a FIFO as the adapter weights: validate reports ADAPTER_INVALID instead of hanging', () => {
    const { dir, modelDir } = fixture();
    mkfifo(join(dir, 'adapter', 'adapter_model.safetensors'));
    const report = validateSkill(dir, { modelDir });
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.code)).toEqual(['ADAPTER_INVALID']);
    expect(report.problems[0]?.message).toContain('is a FIFO');
  });

  it('a FIFO as skill.json or as the adapter config', () => {
    const { dir } = fixture();
    mkfifo(join(dir, 'adapter', 'adapter_config.json'));
    expect(codeOf(() => loadSkill(dir))).toBe('ADAPTER_INVALID');
    mkfifo(join(dir, 'skill.json'));
    expect(codeOf(() => loadSkill(dir))).toBe('MANIFEST_INVALID');
  });

  it('a directory named adapter_model.safetensors is ADAPTER_INVALID, not an EISDIR crash', () => {
    const { dir, modelDir } = fixture('adapter');
    const weights = join(dir, 'adapter', 'adapter_model.safetensors');
    rmSync(weights);
    mkdirSync(weights);
    expect(codeOf(() => loadSkill(dir))).toBe('ADAPTER_INVALID');
    const report = validateSkill(dir, { modelDir });
    expect(report.problems.map((p) => [p.code, p.message.includes('is a directory')])).toEqual([['ADAPTER_INVALID', true]]);
  });
});

describe('adapter files are checked again when the weights are read', () => {
  it('weights swapped for a symlink out of the package after registration: PATH_ESCAPE at load', () => {
    const { root, dir, modelDir, base } = fixture();
    const registry = new SkillRegistry();
    registry.add(dir, { base: modelDir });
    // the same bytes, moved out of the package and linked back in
    const weights = join(dir, 'adapter', 'adapter_model.safetensors');
    const outside = join(root, 'outside.safetensors');
    copyFileSync(weights, outside);
    rmSync(weights);
    symlinkSync(outside, weights);
    expect(codeOf(() => registry.loadAdapter('special', base))).toBe('PATH_ESCAPE');
  });

  it('the adapter config swapped for a FIFO after registration: ADAPTER_INVALID at load', () => {
    const { dir, modelDir, base } = fixture('adapter');
    const registry = new SkillRegistry();
    registry.add(dir, { base: modelDir });
    expect(registry.loadAdapter('special', base).kind).toBe('adapter');
    mkfifo(join(dir, 'adapter', 'plugboard_adapter.json'));
    expect(codeOf(() => registry.loadAdapter('special', base))).toBe('ADAPTER_INVALID');
  });

  it('a symlink inside the package still loads', () => {
    const { dir, modelDir, base } = fixture();
    const weights = join(dir, 'adapter', 'adapter_model.safetensors');
    const moved = join(dir, 'weights.bin');
    copyFileSync(weights, moved);
    rmSync(weights);
    symlinkSync(moved, weights);
    const registry = new SkillRegistry();
    registry.add(dir, { base: modelDir });
    expect(registry.loadAdapter('special', base).kind).toBe('lora');
  });
});
