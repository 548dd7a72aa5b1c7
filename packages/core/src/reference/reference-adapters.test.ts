import { describe, expect, it } from 'vitest';
import { layerWeightNames } from '../hf/config.ts';
import type { ModelConfig } from '../hf/config.ts';
import { AdapterSlotLayoutSchema, zeroSlotTensors } from '../model/adapter-slots.ts';
import { LORA_MODULES, moduleFeatures } from '../adapters/lora/lora-modules.ts';
import { loraInputName } from '../adapters/lora/lora-tensors.ts';
import type { AdapterSlotLayout, SlotTensor } from '../model/adapter-slots.ts';
import type { LoraModule } from '../adapters/lora/lora-modules.ts';
import { addBottleneckDelta } from './bottleneck-delta.ts';
import { InMemoryWeights } from './in-memory-weights.ts';
import { maxAbsDiff } from './max-abs-diff.ts';
import { randomModelWeights, randomSlotTensors, tinyModelConfig } from './random-model.ts';
import type { ReferenceAdapters } from './reference-adapters.ts';
import { ReferenceModel } from './reference-model.ts';
import { expectPlugboardError } from '../testing/test-helpers.ts';

const TOKENS = [3, 17, 5, 29, 0, 11];
const config = tinyModelConfig({ architecture: 'qwen2', attentionBias: true });
const weights = randomModelWeights(config, 3);
const base = new ReferenceModel(config, weights);
const baseLogits = base.forward({ inputIds: [TOKENS] }).logits[0];

const loraLayout: AdapterSlotLayout = AdapterSlotLayoutSchema.parse({
  slots: 3,
  lora: { rank: 2, modules: [...LORA_MODULES], layers: [1] },
});
const fullLayout: AdapterSlotLayout = AdapterSlotLayoutSchema.parse({
  slots: 2,
  lora: { rank: 2, modules: ['q', 'down'] },
  bottleneck: { width: 3, activation: 'gelu' },
});

function run(adapters: Omit<ReferenceAdapters, 'adapterIndex'> & { adapterIndex?: number[] }, ids = TOKENS): Float32Array {
  return base.forward({ inputIds: [ids], adapters: { adapterIndex: [1], ...adapters } }).logits[0];
}


/** Weights with W + (A[slot] B[slot])^T merged into one module of one layer. */
function mergedWeights(
  c: ModelConfig,
  tensors: Map<string, SlotTensor>,
  layer: number,
  module: LoraModule,
  slot: number,
  rank: number,
): InMemoryWeights {
  const { inFeatures, outFeatures } = moduleFeatures(c, module);
  const a = tensors.get(loraInputName(layer, module, 'a'))!.data.subarray(slot * inFeatures * rank);
  const b = tensors.get(loraInputName(layer, module, 'b'))!.data.subarray(slot * rank * outFeatures);
  const name = layerWeightNames(layer)[module];
  const w = weights.float32(name);
  for (let o = 0; o < outFeatures; o++) {
    for (let i = 0; i < inFeatures; i++) {
      let delta = 0;
      for (let r = 0; r < rank; r++) delta += a[i * rank + r] * b[r * outFeatures + o];
      w[o * inFeatures + i] += delta;
    }
  }
  return InMemoryWeights.copyOf(weights).set(name, [outFeatures, inFeatures], w);
}

/** Slot tensors where only `module` of `layer` is non-zero (slots 1.. random). */
function onlyModule(layer: number, module: LoraModule, seed: number): Map<string, SlotTensor> {
  const random = randomSlotTensors(config, loraLayout, seed, 0.3);
  const tensors = zeroSlotTensors(config, loraLayout);
  for (const part of ['a', 'b'] as const) {
    const name = loraInputName(layer, module, part);
    tensors.set(name, random.get(name)!);
  }
  return tensors;
}

describe('reference adapters: base equivalence', () => {
  it('slot 0 (all zeros) equals running without adapters, for LoRA and bottleneck', () => {
    const tensors = randomSlotTensors(config, fullLayout, 4);
    expect(maxAbsDiff(run({ layout: fullLayout, tensors, adapterIndex: [0] }), baseLogits)).toBe(0);
    expect(maxAbsDiff(run({ layout: fullLayout, tensors, adapterIndex: [1] }), baseLogits)).toBeGreaterThan(1e-3);
  });

  it('a LoRA with B = 0 equals the base model', () => {
    const tensors = randomSlotTensors(config, loraLayout, 5);
    for (const [name, tensor] of tensors) if (name.endsWith('.b')) tensor.data.fill(0);
    expect(maxAbsDiff(run({ layout: loraLayout, tensors }), baseLogits)).toBe(0);
  });
});

describe('reference adapters: LoRA equals merged weights', () => {
  it.each(LORA_MODULES)('module %s: A.B = dW gives the logits of W + dW', (module) => {
    const tensors = onlyModule(1, module, 10 + LORA_MODULES.indexOf(module));
    const withLora = run({ layout: loraLayout, tensors, adapterIndex: [2] });
    const merged = new ReferenceModel(config, mergedWeights(config, tensors, 1, module, 2, 2)).forward({ inputIds: [TOKENS] });
    expect(maxAbsDiff(withLora, merged.logits[0])).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(withLora, baseLogits)).toBeGreaterThan(1e-4);
  });

  it('each row of a batch uses its own slot', () => {
    const tensors = onlyModule(1, 'v', 20);
    const rows = [TOKENS, [7, 2, 9]];
    const batch = base.forward({ inputIds: rows, adapters: { layout: loraLayout, tensors, adapterIndex: [1, 2] } });
    [1, 2].forEach((slot, b) => {
      const merged = new ReferenceModel(config, mergedWeights(config, tensors, 1, 'v', slot, 2));
      expect(maxAbsDiff(batch.logits[b], merged.forward({ inputIds: [rows[b]] }).logits[0])).toBeLessThanOrEqual(1e-5);
    });
  });

  it('layers without slots in the layout are untouched', () => {
    const layout = AdapterSlotLayoutSchema.parse({ slots: 2, lora: { rank: 1, modules: ['q'], layers: [0] } });
    const tensors = randomSlotTensors(config, layout, 30);
    expect([...tensors.keys()]).toEqual([loraInputName(0, 'q', 'a'), loraInputName(0, 'q', 'b')]);
    expect(maxAbsDiff(run({ layout, tensors }), baseLogits)).toBeGreaterThan(1e-4);
  });
});

describe('reference adapters: adapter_mask', () => {
  const vocab = config.vocabSize;
  const tensors = randomSlotTensors(config, fullLayout, 40, 0.3);

  it('tokens with mask 0 equal the base output; masked-in tokens after them do not', () => {
    const masked = run({ layout: fullLayout, tensors, adapterMask: [[0, 0, 0, 1, 1, 1]] });
    expect(maxAbsDiff(masked.subarray(0, 3 * vocab), baseLogits.subarray(0, 3 * vocab))).toBe(0);
    expect(maxAbsDiff(masked.subarray(3 * vocab), baseLogits.subarray(3 * vocab))).toBeGreaterThan(1e-3);
    const allOff = run({ layout: fullLayout, tensors, adapterMask: [TOKENS.map(() => 0)] });
    expect(maxAbsDiff(allOff, baseLogits)).toBe(0);
  });

  it('a masked prefix leaves the base cache, so a skill can start from a shared prefix', () => {
    const adapters = { layout: fullLayout, tensors, adapterIndex: [1], adapterMask: [[0, 0, 0]] };
    const prefix = base.forward({ inputIds: [TOKENS.slice(0, 3)], adapters });
    const basePrefix = base.forward({ inputIds: [TOKENS.slice(0, 3)] });
    expect(prefix.cache.rows[0].layers[1].keys).toEqual(basePrefix.cache.rows[0].layers[1].keys);
    const rest = base.forward({
      inputIds: [TOKENS.slice(3)],
      cache: basePrefix.cache,
      adapters: { ...adapters, adapterMask: [[1, 1, 1]] },
    });
    const whole = run({ layout: fullLayout, tensors, adapterMask: [[0, 0, 0, 1, 1, 1]] });
    expect(maxAbsDiff(rest.logits[0], whole.subarray(3 * vocab))).toBeLessThanOrEqual(1e-5);
  });

  it('the mask scales the LoRA delta linearly', () => {
    const lora = onlyModule(1, 'up', 50);
    const half = run({ layout: loraLayout, tensors: lora, adapterMask: [TOKENS.map(() => 0.5)] });
    const halvedB = new Map(lora);
    const bName = loraInputName(1, 'up', 'b');
    halvedB.set(bName, { dims: lora.get(bName)!.dims, data: lora.get(bName)!.data.map((x) => x * 0.5) });
    expect(maxAbsDiff(half, run({ layout: loraLayout, tensors: halvedB }))).toBeLessThanOrEqual(1e-6);
  });
});

describe('reference adapters: bottleneck in the model', () => {
  it('a bottleneck kept in the linear range of relu equals merging I + down.up into down_proj', () => {
    // relu(h D + 10) U - 10 (1 U) = h D U while h D + 10 > 0, so mlp_out' = mlp_out (I + D U)
    const layer = 0;
    const layout = AdapterSlotLayoutSchema.parse({ slots: 2, bottleneck: { width: 3, activation: 'relu', layers: [layer] } });
    const { hiddenSize: d, intermediateSize: ff } = config;
    const m = 3;
    const tensors = randomSlotTensors(config, layout, 60, 0.1);
    const down = tensors.get('adapter.0.down')!.data.subarray(d * m);
    const up = tensors.get('adapter.0.up')!.data.subarray(m * d);
    tensors.get('adapter.0.down_bias')!.data.fill(10, m);
    const upBias = tensors.get('adapter.0.up_bias')!.data;
    for (let o = 0; o < d; o++) upBias[d + o] = -10 * [0, 1, 2].reduce((s, j) => s + up[j * d + o], 0);
    const name = layerWeightNames(layer).down;
    const wDown = weights.float32(name); // [d, ff]
    const merged = new Float32Array(d * ff);
    for (let o = 0; o < d; o++) {
      for (let i = 0; i < ff; i++) {
        let sum = wDown[o * ff + i];
        for (let k = 0; k < d; k++) {
          let du = 0;
          for (let j = 0; j < m; j++) du += down[k * m + j] * up[j * d + o];
          sum += du * wDown[k * ff + i];
        }
        merged[o * ff + i] = sum;
      }
    }
    const mergedModel = new ReferenceModel(config, InMemoryWeights.copyOf(weights).set(name, [d, ff], merged));
    const withAdapter = run({ layout, tensors });
    expect(maxAbsDiff(withAdapter, mergedModel.forward({ inputIds: [TOKENS] }).logits[0])).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(withAdapter, baseLogits)).toBeGreaterThan(1e-3);
  });

  it.each(['gelu', 'silu'] as const)('a %s bottleneck slot changes the logits; slot 0 does not', (activation) => {
    const layout = AdapterSlotLayoutSchema.parse({ slots: 2, bottleneck: { width: 4, activation } });
    const tensors = randomSlotTensors(config, layout, 70, 0.3);
    expect(maxAbsDiff(run({ layout, tensors }), baseLogits)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(run({ layout, tensors, adapterIndex: [0] }), baseLogits)).toBe(0);
  });
});

describe('addBottleneckDelta', () => {
  // d = 2, m = 1, two slots; slot 1: down = [1, -2], down_bias = 0.5, up = [3, -1], up_bias = [0.1, 0.2]
  const tensors = {
    down: Float32Array.from([0, 0, 1, -2]),
    downBias: Float32Array.from([0, 0.5]),
    up: Float32Array.from([0, 0, 3, -1]),
    upBias: Float32Array.from([0, 0, 0.1, 0.2]),
    hiddenSize: 2,
    width: 1,
  };

  it.each([
    ['relu', (x: number) => Math.max(0, x)],
    ['identity', (x: number) => x],
  ])('matches a hand computation (%s) and honours the mask', (_, activation) => {
    const h = Float32Array.from([2, 0.25, 1, 1]);
    addBottleneckDelta(h, 2, tensors, activation, 1, [1, 0]);
    const hidden = activation(2 * 1 + 0.25 * -2 + 0.5); // 2
    expect(h[0]).toBeCloseTo(2 + hidden * 3 + 0.1, 6);
    expect(h[1]).toBeCloseTo(0.25 - hidden + 0.2, 6);
    expect([h[2], h[3]]).toEqual([1, 1]);
  });
});

describe('reference adapters: bad input', () => {
  const tensors = zeroSlotTensors(config, fullLayout);

  it('rejects slots, masks and tensors that do not fit', () => {
    expectPlugboardError(() => run({ layout: fullLayout, tensors, adapterIndex: [2] }), 'INVALID_ARGUMENT');
    expectPlugboardError(() => run({ layout: fullLayout, tensors, adapterIndex: [0, 1] }), 'INVALID_ARGUMENT');
    expectPlugboardError(() => run({ layout: fullLayout, tensors, adapterMask: [[1, 1]] }), 'INVALID_ARGUMENT');
    expectPlugboardError(() => run({ layout: fullLayout, tensors, adapterMask: [TOKENS.map(() => Number.NaN)] }), 'INVALID_ARGUMENT');
    const missing = new Map(tensors);
    missing.delete('adapter.1.up_bias');
    expectPlugboardError(() => run({ layout: fullLayout, tensors: missing }), 'INVALID_ARGUMENT');
    const wrongDims = new Map(tensors).set('adapter.0.down', { dims: [2, 16, 4], data: new Float32Array(128) });
    expectPlugboardError(() => run({ layout: fullLayout, tensors: wrongDims }), 'INVALID_ARGUMENT');
    const deepLayout = AdapterSlotLayoutSchema.parse({ slots: 2, bottleneck: { width: 2, layers: [5] } });
    expectPlugboardError(() => run({ layout: deepLayout, tensors: new Map() }), 'INVALID_ARGUMENT');
  });
});
