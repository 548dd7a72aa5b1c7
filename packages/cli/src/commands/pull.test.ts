import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TINY_SHAPES, writeFixtureModel } from '@plugboard/core/testing';
import { fakeRepoFromFolder, startFakeHub } from '../../../core/src/hub/testing/fake-hub-server.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../../..');
const tmp = mkdtempSync(join(tmpdir(), 'plugboard-cli-pull-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the plugboard CLI with `env` added; resolves with stdout/stderr and the exit code. */
async function plugboard(args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(join(root, 'node_modules/.bin/tsx'), [join(root, 'packages/cli/src/main.ts'), ...args], { env: { ...process.env, ...env }, cwd: root });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('plugboard pull', () => {
  it('pulls an id into HF_HUB_CACHE with a progress line per file, prints the snapshot folder; inspect takes the id; a missing repo exits 1 naming it', async () => {
    const fixture = writeFixtureModel(join(tmp, 'fixture'), { ...TINY_SHAPES, seed: 5 });
    const hub = await startFakeHub(new Map([['org/tiny', fakeRepoFromFolder(fixture.dir)]]));
    const env = { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: join(tmp, 'hf'), HF_HUB_OFFLINE: '' };
    try {
      const pulled = await plugboard(['pull', 'org/tiny'], env);
      expect(pulled.code, pulled.stderr).toBe(0);
      const dir = pulled.stdout.trim();
      expect(dir.startsWith(join(tmp, 'hf', 'models--org--tiny', 'snapshots'))).toBe(true);
      expect(existsSync(join(dir, 'model.safetensors'))).toBe(true);
      expect(pulled.stderr).toContain('model.safetensors');
      expect(pulled.stderr).toMatch(/downloaded 5 files/);
      const inspected = await plugboard(['inspect', 'org/tiny', '--json'], { ...env, HF_HUB_OFFLINE: '1' });
      expect(inspected.code, inspected.stderr).toBe(0);
      expect(JSON.parse(inspected.stdout).config.numLayers).toBe(TINY_SHAPES.numLayers);
      const missing = await plugboard(['pull', 'org/absent'], env);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('org/absent');
      expect(missing.stderr).toContain('[HUB_ERROR]');
    } finally {
      await hub.close();
    }
  });
});
