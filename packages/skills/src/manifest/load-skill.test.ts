import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPlugboardError, normalizeHfConfig } from '@plugboard/core';
import { TINY_SHAPES } from '@plugboard/core/testing';
import type { ModelConfig } from '@plugboard/core';
import { loadSkill } from './load-skill.ts';
import { writeFixtureSkill } from './write-fixture-skill.ts';
import { codeOf, editJson, tempDir } from '../testing/test-helpers.ts';

const CONFIG: ModelConfig = normalizeHfConfig({
  model_type: 'qwen2',
  hidden_size: TINY_SHAPES.hiddenSize,
  num_hidden_layers: TINY_SHAPES.numLayers,
  num_attention_heads: TINY_SHAPES.numHeads,
  num_key_value_heads: TINY_SHAPES.numKvHeads,
  intermediate_size: TINY_SHAPES.intermediateSize,
  vocab_size: TINY_SHAPES.vocabSize,
});




describe('loadSkill from a folder', () => {
  it('reads the manifest and the adapter headers', () => {
    const dir = join(tempDir(), 'sql');
    writeFixtureSkill(dir, { config: CONFIG, name: 'sql', rank: 4, modules: ['q', 'v'], examples: ['count users'], keywords: ['sql'] });
    const skill = loadSkill(dir);
    expect(skill.manifest.name).toBe('sql');
    expect(skill.manifest.routing).toEqual({ examples: ['count users'], keywords: ['sql'] });
    expect(skill.source).toEqual({ kind: 'folder' });
    expect(skill.adapter.kind).toBe('lora');
    expect(skill.adapter.layers).toEqual([0, 1]);
    expect(skill.adapter.modules).toEqual(['q', 'v']);
    expect(skill.adapter.rank).toBe(4);
    // q: 4·(64+64), v: 4·(64+32), on 2 layers
    expect(skill.adapter.weights.params).toBe(2 * (4 * 128 + 4 * 96));
  });

  it('reads a manifest from the plugboard field of package.json', () => {
    const dir = join(tempDir(), 'pkg');
    writeFixtureSkill(dir, { config: CONFIG, name: 'pkg-skill', manifestIn: 'package.json' });
    const skill = loadSkill(dir);
    expect(skill.manifest.name).toBe('pkg-skill');
    expect(skill.manifest.version).toBe('1.0.0');
    expect(skill.manifestPath).toBe(join(skill.root, 'package.json'));
  });

  it('refuses a plugboard field whose name differs from the package', () => {
    const dir = join(tempDir(), 'pkg');
    writeFixtureSkill(dir, { config: CONFIG, name: 'pkg-skill', manifestIn: 'package.json' });
    editJson(join(dir, 'package.json'), (json) => {
      (json.plugboard as Record<string, unknown>).name = 'other';
    });
    expect(codeOf(() => loadSkill(dir))).toBe('MANIFEST_INVALID');
  });

  it('refuses a package.json without a plugboard field, and two manifests at once', () => {
    const dir = join(tempDir(), 'pkg');
    writeFixtureSkill(dir, { config: CONFIG, name: 'pkg-skill' });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pkg-skill', version: '1.0.0', plugboard: {} }));
    expect(codeOf(() => loadSkill(dir))).toBe('MANIFEST_INVALID');
    rmSync(join(dir, 'skill.json'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pkg-skill', version: '1.0.0' }));
    expect(codeOf(() => loadSkill(dir))).toBe('MANIFEST_INVALID');
  });

  it('names the missing fields of a malformed skill.json', () => {
    const dir = join(tempDir(), 'bad');
    writeFixtureSkill(dir, { config: CONFIG });
    editJson(join(dir, 'skill.json'), (json) => {
      delete json.routing;
      delete json.version;
    });
    try {
      loadSkill(dir);
      expect.unreachable();
    } catch (error) {
      expect(isPlugboardError(error, 'MANIFEST_INVALID')).toBe(true);
      expect((error as { details: { fields: string[] } }).details.fields).toEqual(['version', 'routing']);
    }
  });

  it('refuses invalid JSON as MANIFEST_INVALID and a folder without a manifest as FILE_NOT_FOUND', () => {
    const dir = join(tempDir(), 'bad');
    mkdirSync(dir);
    expect(codeOf(() => loadSkill(dir))).toBe('FILE_NOT_FOUND');
    writeFileSync(join(dir, 'skill.json'), '{ "name": ');
    expect(codeOf(() => loadSkill(dir))).toBe('MANIFEST_INVALID');
  });
  it('refuses a manifest whose adapter format disagrees with the files', () => {
    const dir = join(tempDir(), 'mismatch');
    writeFixtureSkill(dir, { config: CONFIG });
    editJson(join(dir, 'skill.json'), (json) => {
      json.adapter = { kind: 'adapter', path: 'adapter', format: 'ms-swift' };
    });
    expect(codeOf(() => loadSkill(dir))).toBe('ADAPTER_INVALID');
  });
});

describe('paths stay inside the package', () => {
  function skillWithAdapterPath(path: string): string {
    const root = tempDir();
    const dir = join(root, 'skill');
    writeFixtureSkill(dir, { config: CONFIG });
    editJson(join(dir, 'skill.json'), (json) => {
      (json.adapter as Record<string, unknown>).path = path;
    });
    return dir;
  }

  it('refuses ".." even when the target exists', () => {
    const dir = skillWithAdapterPath('../skill/adapter');
    expect(codeOf(() => loadSkill(dir))).toBe('PATH_ESCAPE');
    expect(codeOf(() => loadSkill(skillWithAdapterPath('adapter/../../x')))).toBe('PATH_ESCAPE');
  });

  it('refuses absolute paths', () => {
    const other = join(tempDir(), 'adapter');
    writeFixtureSkill(join(other, '..', 'donor'), { config: CONFIG });
    expect(codeOf(() => loadSkill(skillWithAdapterPath(join(other, '..', 'donor', 'adapter'))))).toBe('PATH_ESCAPE');
  });

  it('refuses an adapter folder that is a symlink to outside the package', () => {
    const outside = join(tempDir(), 'donor');
    writeFixtureSkill(outside, { config: CONFIG });
    const dir = skillWithAdapterPath('linked');
    symlinkSync(join(outside, 'adapter'), join(dir, 'linked'));
    expect(codeOf(() => loadSkill(dir))).toBe('PATH_ESCAPE');
  });

  it('refuses an adapter file that is a symlink to outside the package', () => {
    const outside = join(tempDir(), 'donor');
    writeFixtureSkill(outside, { config: CONFIG });
    const dir = skillWithAdapterPath('adapter');
    rmSync(join(dir, 'adapter', 'adapter_model.safetensors'));
    symlinkSync(join(outside, 'adapter', 'adapter_model.safetensors'), join(dir, 'adapter', 'adapter_model.safetensors'));
    expect(codeOf(() => loadSkill(dir))).toBe('PATH_ESCAPE');
  });

  it('refuses a skill.json that is a symlink to outside the package', () => {
    const outside = join(tempDir(), 'donor');
    writeFixtureSkill(outside, { config: CONFIG });
    const dir = skillWithAdapterPath('adapter');
    rmSync(join(dir, 'skill.json'));
    symlinkSync(join(outside, 'skill.json'), join(dir, 'skill.json'));
    expect(codeOf(() => loadSkill(dir))).toBe('PATH_ESCAPE');
  });

  it('accepts a symlink that stays inside the package', () => {
    const dir = skillWithAdapterPath('linked');
    symlinkSync(join(dir, 'adapter'), join(dir, 'linked'));
    expect(loadSkill(dir).adapter.layers).toEqual([0, 1]);
  });

  it('reports a missing adapter folder as FILE_NOT_FOUND', () => {
    expect(codeOf(() => loadSkill(skillWithAdapterPath('nowhere')))).toBe('FILE_NOT_FOUND');
  });
});

describe('adapter file sizes', () => {
  function fixture(): string {
    const dir = join(tempDir(), 'skill');
    writeFixtureSkill(dir, { config: CONFIG });
    return dir;
  }

  it('refuses a weights file longer than its header declares', () => {
    const dir = fixture();
    appendFileSync(join(dir, 'adapter', 'adapter_model.safetensors'), new Uint8Array(16));
    expect(codeOf(() => loadSkill(dir))).toBe('ADAPTER_INVALID');
  });

  it('refuses a truncated weights file', () => {
    const dir = fixture();
    const path = join(dir, 'adapter', 'adapter_model.safetensors');
    truncateSync(path, readFileSync(path).length - 4);
    expect(codeOf(() => loadSkill(dir))).toBe('ADAPTER_INVALID');
  });
});

describe('loadSkill from an installed npm package', () => {
  function installed(): { project: string; marker: string } {
    const project = tempDir();
    const marker = join(project, 'code-ran.txt');
    const dir = join(project, 'node_modules', '@acme', 'sql-skill');
    writeFixtureSkill(dir, { config: CONFIG, name: '@acme/sql-skill', manifestIn: 'package.json' });
    // a package that would leave a marker if anything required it
    writeFileSync(join(dir, 'index.js'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n`);
    return { project, marker };
  }

  it('resolves the package from resolveFrom without running its code', () => {
    const { project, marker } = installed();
    const skill = loadSkill('@acme/sql-skill', { resolveFrom: project });
    expect(skill.source).toEqual({ kind: 'package', packageName: '@acme/sql-skill' });
    expect(skill.manifest.name).toBe('@acme/sql-skill');
    expect(skill.adapter.modules).toEqual(['q', 'v']);
    expect(existsSync(marker)).toBe(false);
  });

  it('finds a package whose exports hide package.json', () => {
    const { project, marker } = installed();
    editJson(join(project, 'node_modules', '@acme', 'sql-skill', 'package.json'), (json) => {
      json.exports = { '.': './index.js' };
    });
    expect(loadSkill('@acme/sql-skill', { resolveFrom: join(project, 'src') }).manifest.name).toBe('@acme/sql-skill');
    expect(existsSync(marker)).toBe(false);
  });

  it('reports a package that is not installed', () => {
    const { project } = installed();
    expect(codeOf(() => loadSkill('@acme/not-there', { resolveFrom: project }))).toBe('FILE_NOT_FOUND');
    expect(codeOf(() => loadSkill('./not/a/folder', { resolveFrom: project }))).toBe('FILE_NOT_FOUND');
  });
});
