/**
 * A merged dense model must compute what the base model computes with the
 * LoRA in an adapter slot: both through the ONNX graph, logits within 1e-4.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TINY_SHAPES } from '../../../fixtures/fixture-options.ts';
import { expectPlugboardError, useTempDir } from '../../../testing/test-helpers.ts';
import { writeFixtureModel } from '../../../fixtures/write-fixture-model.ts';
import { openWeights } from '../../../hf/safetensors-weights.ts';
import { LORA_MODULES } from '../lora-modules.ts';
import type { AdapterSlotLayout } from '../../../model/adapter-slots.ts';
import { maxAbsDiff } from '../../../reference/max-abs-diff.ts';
import { tinyModelConfig } from '../../../reference/random-model.ts';
import { KvCache } from '../../../runtime/kv-cache.ts';
import { loadModel } from '../../../runtime/load-model.ts';
import type { Model } from '../../../runtime/load-model.ts';
import { runStep } from '../../../runtime/step.ts';
import { mergeLoraIntoModel } from './merge-lora.ts';
import { readPeftLoraRaw } from './read-peft-lora.ts';
import { readSwiftAdapter } from '../../bottleneck/formats/read-swift-adapter.ts';
import { toLoadedLora } from './to-loaded-lora.ts';
import { writeAdapterIntoSlot } from '../../write-into-slot.ts';
import { writeRandomBottleneck } from '../../bottleneck/formats/write-random-bottleneck.ts';
import { writeRandomPeftLora } from './write-random-peft-lora.ts';

const tmp = useTempDir('merge-lora');
const cacheDir = join(tmp, 'graphs');
const opened: Model[] = [];
afterAll(async () => {
  for (const model of opened) await model.dispose();
});

const baseDir = join(tmp, 'base');
const fixture = writeFixtureModel(baseDir, { ...TINY_SHAPES, architecture: 'qwen2', seed: 7 });
const config = fixture.config;
const prompt = [5, 77, 130, 9, 250, 41, 3, 311];

async function logits(model: Model, slot: number): Promise<Float32Array> {
  const out = await runStep(model.session, KvCache.empty(model.config, 1), [{ tokens: prompt, adapterSlot: slot }], model.slotFeeds());
  return out.logits.slice();
}

describe('mergeLoraIntoModel', () => {
  it('the merged model equals the base model with the LoRA in a slot (rank < slot rank, rsLoRA, rank_pattern, LISA layer)', async () => {
    const loraDir = join(tmp, 'lora');
    writeRandomPeftLora(loraDir, {
      config,
      rank: 4,
      alpha: 8,
      modules: LORA_MODULES,
      layers: [1],
      useRslora: true,
      rankPattern: { down_proj: 2 },
      seed: 3,
    });
    const raw = readPeftLoraRaw(loraDir, { config });
    const outDir = join(tmp, 'merged');
    const merged = mergeLoraIntoModel({ baseDir, lora: raw, outDir });
    expect(merged.weightFiles).toEqual(['model.safetensors']);
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) {
      expect(readFileSync(join(outDir, file))).toEqual(readFileSync(join(baseDir, file)));
    }
    expect(existsSync(join(outDir, 'fixture.json'))).toBe(false);

    // untargeted tensors are byte-identical; targeted ones changed
    const base = openWeights(baseDir);
    const out = openWeights(outDir);
    expect(out.names().sort()).toEqual(base.names().sort());
    for (const name of ['model.embed_tokens.weight', 'model.layers.0.self_attn.q_proj.weight', 'model.layers.1.self_attn.q_proj.bias']) {
      expect(out.raw(name)).toEqual(base.raw(name));
    }
    expect(maxAbsDiff(out.float32('model.layers.1.mlp.down_proj.weight'), base.float32('model.layers.1.mlp.down_proj.weight'))).toBeGreaterThan(1e-3);
    base.close();
    out.close();

    const layout: AdapterSlotLayout = { slots: 2, lora: { rank: 8, modules: [...LORA_MODULES] } };
    const slotted = await loadModel(baseDir, { logits: 'all', adapters: layout, cacheDir, intraOpNumThreads: 1 });
    const dense = await loadModel(outDir, { logits: 'all', cacheDir, intraOpNumThreads: 1 });
    opened.push(slotted, dense);
    writeAdapterIntoSlot(slotted.slots, layout, 1, toLoadedLora(raw));
    const withSlot = await logits(slotted, 1);
    expect(maxAbsDiff(withSlot, await logits(dense, 0))).toBeLessThan(1e-4);
    expect(maxAbsDiff(withSlot, await logits(slotted, 0))).toBeGreaterThan(1e-3);
  });

  it('refuses bottleneck adapters, adapters for another model, and merging in place', () => {
    const adapterDir = join(tmp, 'bottleneck');
    writeRandomBottleneck(adapterDir, { config, width: 4, activation: 'gelu', seed: 4, format: 'swift' });
    const bottleneck = readSwiftAdapter(adapterDir, { config });
    expectPlugboardError(() => mergeLoraIntoModel({ baseDir, lora: bottleneck, outDir: join(tmp, 'never') }), 'UNSUPPORTED_FEATURE', 'nonlinearity cannot be merged');
    expect(existsSync(join(tmp, 'never'))).toBe(false);

    const otherConfig = tinyModelConfig({ hiddenSize: 16, numLayers: 2 });
    const otherDir = join(tmp, 'other-lora');
    writeRandomPeftLora(otherDir, { config: otherConfig, rank: 2, alpha: 2, modules: ['q'], seed: 5 });
    const other = readPeftLoraRaw(otherDir, { config: otherConfig });
    expectPlugboardError(() => mergeLoraIntoModel({ baseDir, lora: other, outDir: join(tmp, 'never') }), 'ADAPTER_INCOMPATIBLE', '0.q');

    const lora = readPeftLoraRaw(join(tmp, 'lora'), { config });
    expectPlugboardError(() => mergeLoraIntoModel({ baseDir, lora, outDir: `${baseDir}/` }), 'INVALID_ARGUMENT', 'new folder');
  });
});
