/**
 * pnpm bench:gguf [--threads N]
 *
 * GGUF in, and pulling by id, on a small random fixture (d=256, 4 layers,
 * vocab 4096): for F32/F16/Q8_0/Q4_0 GGUFs converted from the fixture (as
 * convert_hf_to_gguf + llama-quantize would), the file size, the time to
 * derive the model folder and to build + load the graph, and how far the
 * logits move from the safetensors model (max |Δ| relative to the largest
 * logit, and top-1 agreement over a 64-token prompt). Then a pull of the
 * same fixture from a local stand-in hub: plain, and with the connection
 * dropped twice mid-file (resumed with Range requests).
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KvCache, ggufModelFolder, loadModel, pullModel, runStep } from '@plugboard/core';
import { ensureFixtureModel } from '@plugboard/core/testing';
import type { Model } from '@plugboard/core';
import { ggufFromHfFolder } from '../packages/core/src/gguf/testing/gguf-writer.ts';
import { fakeRepoFromFolder, startFakeHub } from '../packages/core/src/hub/testing/fake-hub-server.ts';
import { log, parseFlags, printResult, round } from './lib/bench-io.ts';

const flags = parseFlags(process.argv.slice(2));
const threads = Number(flags.threads ?? 2);
const root = join(import.meta.dirname, '..');
const work = join(root, '.cache', 'bench-gguf');
const cacheDir = join(work, 'graphs');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

const SHAPES = { hiddenSize: 256, numLayers: 4, numHeads: 8, numKvHeads: 4, intermediateSize: 768, vocabSize: 4096, tieWordEmbeddings: false, ropeTheta: 10000, maxPositionEmbeddings: 2048, rmsNormEps: 1e-6 };
const fixture = ensureFixtureModel(join(work, 'fixture'), { ...SHAPES, architecture: 'llama', seed: 5 }).dir;
const prompt = Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % SHAPES.vocabSize);

async function allLogits(model: Model): Promise<Float32Array> {
  const out = await runStep(model.session, KvCache.empty(model.config, 1), [{ tokens: prompt, adapterSlot: 0 }], model.slotFeeds());
  return out.logits.slice();
}

function argmaxRows(logits: Float32Array, vocab: number): number[] {
  return Array.from({ length: logits.length / vocab }, (_, t) => {
    let best = 0;
    for (let v = 1; v < vocab; v++) if (logits[t * vocab + v]! > logits[t * vocab + best]!) best = v;
    return best;
  });
}

const load = (path: string) => loadModel(path, { logits: 'all', cacheDir, intraOpNumThreads: threads });
const base = await load(fixture);
const baseLogits = await allLogits(base);
const scale = baseLogits.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const baseTop = argmaxRows(baseLogits, SHAPES.vocabSize);
await base.dispose();

const gguf: Record<string, Record<string, number>> = {};
for (const type of ['F32', 'F16', 'Q8_0', 'Q4_0'] as const) {
  log(`GGUF ${type}`);
  const path = join(work, `model-${type}.gguf`);
  ggufFromHfFolder(fixture, path, { type });
  let t = performance.now();
  ggufModelFolder(path, join(cacheDir, 'gguf'));
  const deriveMs = performance.now() - t;
  t = performance.now();
  const model = await load(path);
  const buildAndLoadMs = performance.now() - t;
  const logits = await allLogits(model);
  await model.dispose();
  let worst = 0;
  for (let i = 0; i < logits.length; i++) worst = Math.max(worst, Math.abs(logits[i]! - baseLogits[i]!));
  const top = argmaxRows(logits, SHAPES.vocabSize);
  gguf[type] = {
    fileBytes: statSync(path).size,
    deriveFolderMs: round(deriveMs, 1),
    buildAndLoadMs: round(buildAndLoadMs, 1),
    maxAbsLogitDiffRelative: round(worst / scale, 6),
    top1Agreement: round(top.filter((v, i) => v === baseTop[i]).length / top.length, 4),
  };
}

const pulls: Record<string, Record<string, number>> = {};
for (const [name, faults] of [['plain', {}], ['dropped twice mid-file', { drop: { file: 'model.safetensors', afterBytes: 1 << 20, times: 2 } }]] as const) {
  log(`pull: ${name}`);
  const hub = await startFakeHub(new Map([['bench/fixture', fakeRepoFromFolder(fixture)]]), { ...faults, drop: 'drop' in faults ? { ...faults.drop } : undefined });
  const t = performance.now();
  const pulled = await pullModel('bench/fixture', { endpoint: hub.endpoint, cacheDir: join(work, `hf-${Object.keys(pulls).length}`), offline: false });
  const ms = performance.now() - t;
  const bytes = pulled.files.reduce((n, f) => n + f.size, 0);
  pulls[name] = { files: pulled.files.length, bytes, ms: round(ms, 1), mbPerSecond: round(bytes / 1e6 / (ms / 1000), 1), resumedDownloads: hub.requests.filter((r) => r.range !== undefined && r.path.startsWith('/cdn/')).length };
  await hub.close();
}

printResult({ fixture: { ...SHAPES, architecture: 'llama', safetensorsBytes: statSync(join(fixture, 'model.safetensors')).size }, promptTokens: prompt.length, threads, gguf, pull: pulls });
