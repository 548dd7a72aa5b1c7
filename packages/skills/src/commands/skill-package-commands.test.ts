import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { list } from 'tar';
import { describe, expect, it } from 'vitest';
import { isPlugboardError, tinyModelConfig } from '@plugboard/core';
import { loadSkill } from '../manifest/load-skill.ts';
import { parseSkillManifest } from '../manifest/parse-manifest.ts';
import { writeFixtureSkill } from '../manifest/write-fixture-skill.ts';
import { writeRawTarball } from '../testing/raw-tarball.ts';
import { editJson, tempDir } from '../testing/test-helpers.ts';
import { SCAFFOLD_FILES, initSkill } from './init-skill.ts';
import { installSkill } from './install-skill.ts';
import { packSkill, tarballName } from './pack-skill.ts';

const CONFIG = tinyModelConfig();

async function entriesOf(tarball: string): Promise<string[]> {
  const paths: string[] = [];
  await list({ file: tarball, onReadEntry: (entry) => void paths.push(entry.path) });
  return paths.sort();
}

async function codeOfAsync(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (isPlugboardError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('skill init', () => {
  it('scaffolds a manifest template, its schema, a README and example data', () => {
    const dir = join(tempDir(), 'sql-helper');
    const result = initSkill('@acme/sql-helper', { dir });
    expect(result.files).toEqual(['README.md', 'data/out-of-scope.txt', 'data/route-examples.txt', 'data/train.jsonl', 'skill.json', 'skill.schema.json']);
    for (const file of result.files) expect(existsSync(join(dir, file))).toBe(true);
    const manifest = parseSkillManifest(JSON.parse(readFileSync(join(dir, 'skill.json'), 'utf8')), 'scaffold');
    expect(manifest).toMatchObject({ name: '@acme/sql-helper', $schema: './skill.schema.json', tools: [] });
    expect(manifest.routing.outOfScope?.length).toBeGreaterThan(0);
    const lines = readFileSync(join(dir, SCAFFOLD_FILES.trainingData), 'utf8').trim().split('\n');
    expect(lines.map((line) => Object.keys(JSON.parse(line) as object))).toEqual(lines.map(() => ['prompt', 'completion']));
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('plugboard train');
  });

  it('refuses a bad name and an existing folder, leaving nothing behind', () => {
    const parent = tempDir();
    expect(() => initSkill('My Skill', { dir: join(parent, 'x') })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    mkdirSync(join(parent, 'taken'));
    expect(() => initSkill('taken', { dir: join(parent, 'taken') })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(readdirSync(parent)).toEqual(['taken']);
  });
});

describe('skill pack', () => {
  it('writes an npm-style tarball of the package (package/ prefix, package.json made from the manifest), the same bytes each time', async () => {
    const skillDir = join(tempDir(), 'sql-skill');
    writeFixtureSkill(skillDir, { config: CONFIG, name: '@acme/sql-skill' });
    const out = tempDir();
    const packed = await packSkill(skillDir, { outDir: out });
    expect(packed.tarball).toBe(join(out, tarballName('@acme/sql-skill', '1.0.0')));
    expect(packed.tarball.endsWith('acme-sql-skill-1.0.0.tgz')).toBe(true);
    expect(await entriesOf(packed.tarball)).toEqual([
      'package/adapter/adapter_config.json',
      'package/adapter/adapter_model.safetensors',
      'package/package.json',
      'package/skill.json',
    ]);
    const first = sha256(packed.tarball);
    const again = await packSkill(skillDir, { outDir: tempDir() });
    expect(sha256(again.tarball)).toBe(first);
    expect(readdirSync(out)).toEqual(['acme-sql-skill-1.0.0.tgz']);
  });

  it('refuses an invalid package and writes no tarball', async () => {
    const dir = join(tempDir(), 'bad');
    writeFixtureSkill(dir, { config: CONFIG, name: 'bad' });
    editJson(join(dir, 'skill.json'), (json) => {
      json.version = 'one';
    });
    const out = tempDir();
    expect(await codeOfAsync(() => packSkill(dir, { outDir: out }))).toBe('MANIFEST_INVALID');
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses a package with a symlink out of it', async () => {
    const root = tempDir();
    const dir = join(root, 'leaky');
    writeFixtureSkill(dir, { config: CONFIG, name: 'leaky' });
    writeFileSync(join(root, 'secret.txt'), 'secret');
    symlinkSync(join(root, 'secret.txt'), join(dir, 'NOTES.md'));
    expect(await codeOfAsync(() => packSkill(dir, { outDir: tempDir() }))).toBe('PATH_ESCAPE');
  });
});

/** The entries of a good package, to which each crafted tarball adds one bad entry. */
function victimEntries(): { name: string; content: Uint8Array }[] {
  const dir = join(tempDir(), 'victim');
  writeFixtureSkill(dir, { config: CONFIG, name: 'victim' });
  return ['skill.json', 'adapter/adapter_config.json', 'adapter/adapter_model.safetensors'].map((path) => ({
    name: `package/${path}`,
    content: readFileSync(join(dir, path)),
  }));
}

describe('skill install', () => {
  it('installs a hand-written tarball of the good entries alone (the control for the refusals below)', async () => {
    const root = tempDir();
    writeRawTarball(join(root, 'good.tgz'), victimEntries());
    const installed = await installSkill(join(root, 'good.tgz'), { into: join(root, 'into') });
    expect(loadSkill(installed.dir).manifest.name).toBe('victim');
  });

  it('installs a packed tarball, a folder, and an installed npm package, without running package code', async () => {
    const dir = join(tempDir(), 'sql');
    writeFixtureSkill(dir, { config: CONFIG, name: 'sql' });
    const { tarball } = await packSkill(dir, { outDir: tempDir() });
    const into = tempDir();
    const fromTarball = await installSkill(tarball, { into });
    expect(fromTarball).toMatchObject({ name: 'sql', version: '1.0.0', dir: join(into, 'sql'), source: 'tarball' });
    expect(loadSkill(fromTarball.dir).adapter.layers).toEqual([0, 1]);
    expect(readdirSync(into)).toEqual(['sql']);

    const fromFolder = await installSkill(dir, { into: tempDir() });
    expect(fromFolder.source).toBe('folder');
    expect(readFileSync(join(fromFolder.dir, 'adapter', 'adapter_model.safetensors'))).toEqual(readFileSync(join(dir, 'adapter', 'adapter_model.safetensors')));

    const project = tempDir();
    const marker = join(project, 'code-ran.txt');
    const installed = join(project, 'node_modules', '@acme', 'pkg-skill');
    writeFixtureSkill(installed, { config: CONFIG, name: '@acme/pkg-skill', manifestIn: 'package.json' });
    writeFileSync(join(installed, 'index.js'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n`);
    editJson(join(installed, 'package.json'), (json) => {
      json.scripts = { install: `node -e "require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')"` };
    });
    const target = tempDir();
    const fromPackage = await installSkill('@acme/pkg-skill', { into: target, resolveFrom: project });
    expect(fromPackage).toMatchObject({ name: '@acme/pkg-skill', source: 'package', dir: join(target, '@acme', 'pkg-skill') });
    expect(loadSkill(fromPackage.dir).manifest.name).toBe('@acme/pkg-skill');
    expect(existsSync(marker)).toBe(false);

    // installing over an existing install is refused
    expect(await codeOfAsync(() => installSkill(tarball, { into }))).toBe('INVALID_ARGUMENT');
  });

  it.each([
    ['an entry that climbs out with ..', [{ name: 'package/../../evil.txt', content: 'x' }], 'PATH_ESCAPE'],
    ['an absolute entry', [{ name: '/tmp/evil.txt', content: 'x' }], 'PATH_ESCAPE'],
    ['an entry outside package/', [{ name: 'other/skill.json', content: '{}' }], 'PATH_ESCAPE'],
    ['a symlink entry', [{ name: 'package/skill.json', type: '2', linkname: '/etc/passwd' }], 'PATH_ESCAPE'],
    ['a hard link entry', [{ name: 'package/skill.json', type: '1', linkname: '/etc/passwd' }], 'PATH_ESCAPE'],
    ['a device entry', [{ name: 'package/dev', type: '3' }], 'MANIFEST_INVALID'],
    ['a FIFO entry', [{ name: 'package/fifo', type: '6' }], 'MANIFEST_INVALID'],
  ] as const)('refuses a tarball with %s, installing nothing', async (_what, bad, code) => {
    const good = victimEntries();
    const root = tempDir();
    const tarball = join(root, 'crafted.tgz');
    writeRawTarball(tarball, [...good, ...bad]);
    const into = join(root, 'into');
    expect(await codeOfAsync(() => installSkill(tarball, { into }))).toBe(code);
    expect(readdirSync(into)).toEqual([]);
    expect(existsSync(join(root, 'evil.txt'))).toBe(false);
  });

  it('refuses a file that is not a tarball, and an invalid skill inside a good tarball', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'junk.tgz'), 'not a tarball');
    expect(await codeOfAsync(() => installSkill(join(root, 'junk.tgz'), { into: join(root, 'a') }))).toBe('MANIFEST_INVALID');
    writeRawTarball(join(root, 'empty-skill.tgz'), [{ name: 'package/skill.json', content: '{"name":"x"}' }]);
    expect(await codeOfAsync(() => installSkill(join(root, 'empty-skill.tgz'), { into: join(root, 'b') }))).toBe('MANIFEST_INVALID');
    expect(readdirSync(join(root, 'b'))).toEqual([]);
  });
});
