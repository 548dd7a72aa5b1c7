import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as core from '@plugboard/core';
import * as coreTesting from '@plugboard/core/testing';
import * as router from '@plugboard/router';
import * as routerTesting from '@plugboard/router/testing';
import * as skills from '@plugboard/skills';
import * as skillsTesting from '@plugboard/skills/testing';

const PACKAGES = join(import.meta.dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('public surfaces', () => {
  it('the packages export fixtures and test doubles only from their testing subpaths', () => {
    for (const name of ['writeFixtureModel', 'ensureFixtureModel', 'TINY_SHAPES', 'writeRandomPeftLora', 'writeRandomBottleneck', 'randomLoadedLora']) {
      expect(core).not.toHaveProperty(name);
      expect(coreTesting).toHaveProperty(name);
    }
    expect(skills).not.toHaveProperty('writeFixtureSkill');
    expect(skillsTesting).toHaveProperty('writeFixtureSkill');
    for (const name of ['ScriptedTokenSource', 'scriptedBackend', 'observeFeeds', 'ScriptedRouter', 'loadAgentFixture']) {
      expect(router).not.toHaveProperty(name);
      expect(routerTesting).toHaveProperty(name);
    }
    // the session.run wrapper is gone: tests script text under LocalBackend (ScriptedTokenSource) instead
    expect(routerTesting).not.toHaveProperty('ScriptedGeneration');
  });

  it('no source module outside tests and testing folders imports vitest', () => {
    const offenders = readdirSync(PACKAGES)
      .flatMap((pkg) => sourceFiles(join(PACKAGES, pkg, 'src')))
      .filter((file) => !file.endsWith('.test.ts') && !file.split(sep).includes('testing'))
      .filter((file) => /from 'vitest'/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(PACKAGES, file));
    expect(offenders).toEqual([]);
  });
});
