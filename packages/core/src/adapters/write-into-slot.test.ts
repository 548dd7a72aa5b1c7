import { describe, expect, it } from 'vitest';
import { expectPlugboardError } from '../testing/test-helpers.ts';
import { layerWeightNames } from '../hf/config.ts';
import { moduleFeatures } from './lora/lora-modules.ts';
import { zeroSlotTensors } from '../model/adapter-slots.ts';
import type { AdapterSlotLayout, SlotTensor } from '../model/adapter-slots.ts';
import { InMemoryWeights } from '../reference/in-memory-weights.ts';
import { maxAbsDiff } from '../reference/max-abs-diff.ts';
import { randomModelWeights, tinyModelConfig } from '../reference/random-model.ts';
import { ReferenceModel } from '../reference/reference-model.ts';
import type { LoadedBottleneck } from './bottleneck/loaded-bottleneck.ts';
import type { LoadedLora } from './lora/loaded-lora.ts';
import { toLoadedLora } from './lora/peft/to-loaded-lora.ts';
import { clearSlot, writeAdapterIntoSlot } from './write-into-slot.ts';
import { randomBottleneck } from './bottleneck/formats/write-random-bottleneck.ts';
import { randomPeftLora } from './lora/peft/write-random-peft-lora.ts';
import type { RandomPeftLoraOptions } from './lora/peft/write-random-peft-lora.ts';

const config = tinyModelConfig({ numLayers: 3 });
const weights = randomModelWeights(config, 1);
const reference = new ReferenceModel(config, weights);
const prompt = [[3, 9, 4, 17, 22, 8]];

function loadedLora(options: Omit<RandomPeftLoraOptions, 'config'>): LoadedLora {
  return toLoadedLora({ ...randomPeftLora({ config, ...options, scale: 0.3 }), name: 'test', sha256: 'x' });
}

/** The base weights with W' = W + (a·b)^T on every module of the LoRA: what the slot must compute. */
function mergedWeights(lora: LoadedLora): InMemoryWeights {
  const merged = InMemoryWeights.copyOf(weights);
  for (const [key, w] of lora.weights) {
    const [layer, module] = key.split('.') as [string, keyof ReturnType<typeof layerWeightNames>];
    const name = layerWeightNames(Number(layer))[module];
    const values = merged.float32(name);
    for (let o = 0; o < w.outFeatures; o++) {
      for (let i = 0; i < w.inFeatures; i++) {
        let sum = 0;
        for (let r = 0; r < w.rank; r++) sum += w.a[i * w.rank + r]! * w.b[r * w.outFeatures + o]!;
        values[o * w.inFeatures + i]! += sum;
      }
    }
    merged.set(name, merged.info(name).shape, values);
  }
  return merged;
}

function slotLogits(layout: AdapterSlotLayout, tensors: Map<string, SlotTensor>, slot: number): Float32Array {
  return reference.forward({ inputIds: prompt, adapters: { layout, tensors, adapterIndex: [slot] } }).logits[0]!;
}

describe('writeAdapterIntoSlot', () => {
  it('a LoRA of rank < slot rank, in a layer subset (LISA) and a module subset, computes W + a·b', () => {
    const layout: AdapterSlotLayout = { slots: 3, lora: { rank: 8, modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] } };
    const tensors = zeroSlotTensors(config, layout);
    const lora = loadedLora({ rank: 3, alpha: 6, modules: ['q', 'v', 'down'], layers: [0, 2], seed: 2 });
    writeAdapterIntoSlot(tensors, layout, 2, lora);
    const expected = new ReferenceModel(config, mergedWeights(lora)).forward({ inputIds: prompt }).logits[0]!;
    expect(maxAbsDiff(slotLogits(layout, tensors, 2), expected)).toBeLessThan(1e-4);
    expect(maxAbsDiff(slotLogits(layout, tensors, 2), slotLogits(layout, tensors, 0))).toBeGreaterThan(1e-2);
    // slots 0 and 1 stay zero; layer 1 of slot 2 stays zero
    for (const [name, tensor] of tensors) {
      const size = tensor.data.length / 3;
      const slot2 = tensor.data.subarray(2 * size);
      expect(tensor.data.subarray(0, 2 * size).every((v) => v === 0)).toBe(true);
      if (name.startsWith('lora.1.') || name.endsWith('.k.a') || name.includes('.gate.')) expect(slot2.every((v) => v === 0)).toBe(true);
    }
    // padding: a's row i holds the rank-3 row then zeros
    const a = tensors.get('lora.0.q.a')!;
    const { inFeatures } = moduleFeatures(config, 'q');
    const row5 = a.data.subarray(2 * inFeatures * 8 + 5 * 8, 2 * inFeatures * 8 + 6 * 8);
    expect([...row5.subarray(0, 3)]).toEqual([...lora.weights.get('0.q')!.a.subarray(15, 18)]);
    expect([...row5.subarray(3)]).toEqual([0, 0, 0, 0, 0]);
  });

  it('works on a layout with LoRA in only some layers and modules', () => {
    const layout: AdapterSlotLayout = { slots: 2, lora: { rank: 4, modules: ['q', 'v'], layers: [1] } };
    const tensors = zeroSlotTensors(config, layout);
    const lora = loadedLora({ rank: 4, alpha: 4, modules: ['v'], layers: [1], seed: 3 });
    writeAdapterIntoSlot(tensors, layout, 1, lora);
    const expected = new ReferenceModel(config, mergedWeights(lora)).forward({ inputIds: prompt }).logits[0]!;
    expect(maxAbsDiff(slotLogits(layout, tensors, 1), expected)).toBeLessThan(1e-4);
  });

  it('a narrower bottleneck in wider slots computes the same as in slots of its own width', () => {
    const adapter: LoadedBottleneck = { kind: 'adapter', name: 'b', sha256: 'x', ...randomBottleneck({ config, width: 2, activation: 'gelu', layers: [1], seed: 4, scale: 0.5 }), baseFingerprint: null };
    const wide: AdapterSlotLayout = { slots: 2, bottleneck: { width: 6, activation: 'gelu' } };
    const exact: AdapterSlotLayout = { slots: 2, bottleneck: { width: 2, activation: 'gelu', layers: [1] } };
    const wideTensors = zeroSlotTensors(config, wide);
    const exactTensors = zeroSlotTensors(config, exact);
    writeAdapterIntoSlot(wideTensors, wide, 1, adapter);
    writeAdapterIntoSlot(exactTensors, exact, 1, adapter);
    expect(maxAbsDiff(slotLogits(wide, wideTensors, 1), slotLogits(exact, exactTensors, 1))).toBeLessThan(1e-5);
    expect(maxAbsDiff(slotLogits(wide, wideTensors, 1), slotLogits(wide, wideTensors, 0))).toBeGreaterThan(1e-3);
  });

  it("writing a new adapter clears the slot's previous entries (a bottleneck replaced by a LoRA)", () => {
    const layout: AdapterSlotLayout = { slots: 2, lora: { rank: 4, modules: ['q'] }, bottleneck: { width: 2, activation: 'relu' } };
    const tensors = zeroSlotTensors(config, layout);
    const adapter: LoadedBottleneck = { kind: 'adapter', name: 'b', sha256: 'x', ...randomBottleneck({ config, width: 2, activation: 'relu', seed: 5 }), baseFingerprint: null };
    writeAdapterIntoSlot(tensors, layout, 1, adapter);
    expect(tensors.get('adapter.0.up_bias')!.data.some((v) => v !== 0)).toBe(true);
    writeAdapterIntoSlot(tensors, layout, 1, loadedLora({ rank: 2, alpha: 2, modules: ['q'], layers: [0], seed: 6 }));
    for (const name of ['adapter.0.down', 'adapter.0.up_bias', 'lora.1.q.a', 'lora.2.q.b']) expect(tensors.get(name)!.data.every((v) => v === 0)).toBe(true);
    expect(tensors.get('lora.0.q.a')!.data.some((v) => v !== 0)).toBe(true);
    clearSlot(tensors, 1);
    expect([...tensors.values()].every((t) => t.data.every((v) => v === 0))).toBe(true);
  });

  it('refuses adapters the slots cannot hold, leaving the slots untouched', () => {
    const layout: AdapterSlotLayout = { slots: 2, lora: { rank: 2, modules: ['q'], layers: [0] }, bottleneck: { width: 2, activation: 'relu' } };
    const tensors = zeroSlotTensors(config, layout);
    const resident = loadedLora({ rank: 2, alpha: 2, modules: ['q'], layers: [0], seed: 7 });
    writeAdapterIntoSlot(tensors, layout, 1, resident);
    const before = [...tensors.values()].map((t) => Float32Array.from(t.data));
    const untouched = () => [...tensors.values()].every((t, i) => maxAbsDiff(t.data, before[i]!) === 0);
    expectPlugboardError(() => writeAdapterIntoSlot(tensors, layout, 1, loadedLora({ rank: 4, alpha: 2, modules: ['q'], layers: [0], seed: 8 })), 'ADAPTER_INCOMPATIBLE', 'rank 4');
    expectPlugboardError(() => writeAdapterIntoSlot(tensors, layout, 1, loadedLora({ rank: 2, alpha: 2, modules: ['q'], layers: [0, 1], seed: 9 })), 'ADAPTER_INCOMPATIBLE', 'layer 1');
    expectPlugboardError(() => writeAdapterIntoSlot(tensors, layout, 1, loadedLora({ rank: 2, alpha: 2, modules: ['q', 'v'], layers: [0], seed: 9 })), 'ADAPTER_INCOMPATIBLE', 'module v');
    const gelu: LoadedBottleneck = { kind: 'adapter', name: 'g', sha256: 'x', ...randomBottleneck({ config, width: 2, activation: 'gelu', seed: 10 }), baseFingerprint: null };
    expectPlugboardError(() => writeAdapterIntoSlot(tensors, layout, 1, gelu), 'ADAPTER_INCOMPATIBLE', 'gelu');
    expectPlugboardError(() => writeAdapterIntoSlot(tensors, layout, 1, { ...gelu, activation: 'relu', width: 3 }), 'ADAPTER_INCOMPATIBLE', 'width 3');
    expectPlugboardError(() => writeAdapterIntoSlot(tensors, layout, 0, resident), 'INVALID_ARGUMENT', 'slot 0');
    expectPlugboardError(() => writeAdapterIntoSlot(tensors, layout, 2, resident), 'INVALID_ARGUMENT', 'slot 2');
    expectPlugboardError(() => writeAdapterIntoSlot(tensors, { slots: 2, bottleneck: { width: 2, activation: 'relu' } }, 1, resident), 'ADAPTER_INCOMPATIBLE', 'without LoRA slots');
    expect(untouched()).toBe(true);
  });
});
