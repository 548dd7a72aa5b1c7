import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TINY_SHAPES, writeFixtureModel } from '@plugboard/core/testing';
import { runCliInProcess } from '../testing/run-cli.ts';
import type { CliRun } from '../testing/run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'plugboard-skill-lifecycle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function json<T>(run: CliRun): T {
  if (run.code !== 0) throw new Error(`exit ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

describe('the skill lifecycle through the CLI', () => {
  it('init → train --from → validate → inspect → pack → install; another base is refused', async () => {
    const base = writeFixtureModel(join(root, 'base'), { ...TINY_SHAPES, seed: 4 }).dir;
    const other = writeFixtureModel(join(root, 'other'), { ...TINY_SHAPES, seed: 9 }).dir;
    const init = json<{ dir: string }>(await runCliInProcess(['skill', 'init', 'sql-helper', '--dir', join(root, 'sql-helper')]));
    const out = join(root, 'packages', 'sql-helper');
    const trained = json<{ skill: string; checkpointDir: string }>(
      await runCliInProcess(['train', '--base', base, '--data', join(init.dir, 'data', 'train.jsonl'), '--from', init.dir, '--out', out, '--method', 'adapter', '--width', '4', '--steps', '2', '--batch', '2', '--sequence', '32']),
    );
    expect(trained.skill).toBe('sql-helper');
    expect(trained.checkpointDir.startsWith(out)).toBe(false);
    const manifest = JSON.parse(readFileSync(join(out, 'skill.json'), 'utf8')) as { routing: { outOfScope: string[] }; systemPrompt: string; adapter: unknown };
    expect(manifest.adapter).toEqual({ kind: 'adapter', format: 'plugboard', path: 'adapter' });
    expect(manifest.routing.outOfScope).toContain('What is the capital of France?');
    expect(manifest.systemPrompt).toBe('Answer with one SQL query.');

    expect(json<{ ok: boolean }>(await runCliInProcess(['skill', 'validate', out, '--model', base])).ok).toBe(true);
    const inspected = json<{ baseModel: { fingerprint: string } }>(await runCliInProcess(['skill', 'inspect', out]));
    expect(inspected.baseModel.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    const refused = await runCliInProcess(['skill', 'validate', out, '--model', other]);
    expect(refused.code).toBe(1);
    const report = JSON.parse(refused.stdout) as { problems: { code: string; message: string }[] };
    expect(report.problems[0]?.code).toBe('ADAPTER_INCOMPATIBLE');
    expect(report.problems[0]?.message).toContain(inspected.baseModel.fingerprint);

    const packed = json<{ tarball: string }>(await runCliInProcess(['skill', 'pack', out, '--out', join(root, 'dist'), '--model', base]));
    expect(packed.tarball).toBe(join(root, 'dist', 'sql-helper-0.1.0.tgz'));
    const installed = json<{ dir: string }>(await runCliInProcess(['skill', 'install', packed.tarball, '--into', join(root, 'installed'), '--model', base]));
    expect(installed.dir).toBe(join(root, 'installed', 'sql-helper'));
    expect(readdirSync(installed.dir).sort()).toEqual(['adapter', 'package.json', 'report', 'skill.json', 'skill.schema.json']);
    expect(existsSync(join(installed.dir, 'report', 'loss-curve.svg'))).toBe(true);
    // eight CLI processes on a shared machine
  }, 360_000);
});
