import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TINY_SHAPES, writeFixtureModel } from '@plugboard/core/testing';
import { fakeRepoFromFolder, startFakeHub } from '../../../core/src/hub/testing/fake-hub-server.ts';
import { runCliInProcess } from '../testing/run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'plugboard-cli-pull-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const plugboard = (args: string[], env: Record<string, string>) => runCliInProcess(args, { env });

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
