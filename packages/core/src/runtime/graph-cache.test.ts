import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import { useTempDir } from '../testing/test-helpers.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import { GraphBuilder } from '../graph/graph-builder.ts';
import type { Graph } from '../graph/ir.ts';
import { cachedGraph } from './graph-cache.ts';

const tmp = useTempDir('graph-cache');
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');

/** A tiny valid graph; `name` tells builds apart. */
function identityGraph(name: string): Graph {
  const b = new GraphBuilder(name);
  const x = b.input('x', 'float32', [1]);
  b.op1('Identity', [x], {}, { output: 'y' });
  b.output('y', 'float32', [1]);
  return b.build();
}

const inode = (path: string) => statSync(path).ino;

describe('graph cache publishing (issue 9 item 11)', () => {
  it('a build that finishes second keeps the graph another process published meanwhile, and leaves no temporary folder', async () => {
    const cacheDir = join(tmp, 'race');
    const key = 'k'.repeat(32);
    const target = join(cacheDir, key);
    let competitor = 0;
    const built = await cachedGraph(
      cacheDir,
      key,
      () => {
        // while this build runs, another process publishes a complete graph for the same key
        mkdirSync(target, { recursive: true });
        writeFileSync(join(target, 'model.onnx'), 'the winner');
        writeFileSync(join(target, 'build.json'), JSON.stringify({ by: 'winner' }));
        competitor = inode(join(target, 'model.onnx'));
        return identityGraph('loser');
      },
      { stamp: () => ({ by: 'loser' }) },
    );
    expect(built).toMatchObject({ modelPath: join(target, 'model.onnx'), fromCache: false, stamp: { by: 'winner' } });
    expect(inode(join(target, 'model.onnx'))).toBe(competitor);
    expect(readFileSync(join(target, 'model.onnx'), 'utf8')).toBe('the winner');
    expect(readdirSync(cacheDir)).toEqual([key]);
  });

  it('an incomplete leftover is replaced, and rebuild replaces a complete graph', async () => {
    const cacheDir = join(tmp, 'leftover');
    const key = 'l'.repeat(32);
    mkdirSync(join(cacheDir, key), { recursive: true });
    writeFileSync(join(cacheDir, key, 'model.onnx'), 'half written, no build.json');
    const first = await cachedGraph(cacheDir, key, () => identityGraph('first'), { stamp: () => ({ n: 1 }) });
    expect(first).toMatchObject({ fromCache: false, stamp: { n: 1 } });
    expect(await cachedGraph(cacheDir, key, () => identityGraph('unused'), { stamp: () => ({ n: 2 }) })).toMatchObject({ fromCache: true, stamp: { n: 1 } });
    const rebuilt = await cachedGraph(cacheDir, key, () => identityGraph('second'), { stamp: () => ({ n: 3 }), force: true });
    expect(rebuilt).toMatchObject({ fromCache: false, stamp: { n: 3 } });
    expect(readdirSync(cacheDir)).toEqual([key]);
  });

  it('several processes cold-starting on one cache all load and agree', async () => {
    const dir = writeFixtureModel(join(tmp, 'model'), { ...TINY_SHAPES, seed: 4 }).dir;
    const cacheDir = join(tmp, 'shared-cache');
    const runs = await Promise.all(Array.from({ length: 4 }, () => runChild(dir, cacheDir)));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const outputs = runs.map((run) => JSON.parse(run.stdout) as { graphPath: string; tokens: number[] });
    expect(new Set(outputs.map((o) => o.graphPath)).size).toBe(1);
    expect(new Set(outputs.map((o) => JSON.stringify(o.tokens))).size).toBe(1);
    // one graph folder and the fingerprint index, no temporary or moved-aside folders
    expect(readdirSync(cacheDir).sort()).toEqual(['fingerprints', outputs[0]!.graphPath.split('/').at(-2)!].sort());
  }, 120_000);
});

function runChild(dir: string, cacheDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'testing', 'load-model-child.ts'), dir, cacheDir], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
