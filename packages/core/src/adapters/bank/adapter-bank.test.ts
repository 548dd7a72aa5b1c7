import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../errors/plugboard-error.ts';
import { expectPlugboardError } from '../../testing/test-helpers.ts';
import { zeroSlotTensors } from '../../model/adapter-slots.ts';
import type { AdapterSlotLayout } from '../../model/adapter-slots.ts';
import { randomModelWeights, tinyModelConfig } from '../../reference/random-model.ts';
import { CheckedWeights } from '../../hf/checked-weights.ts';
import { linear } from '../../reference/linear.ts';
import { MAX_ADAPTER_DELTA_RATIO, loraDeltaNorm } from './adapter-magnitude.ts';
import type { LoadedAdapter } from '../loaded-adapter.ts';
import { loraKey } from '../lora/loaded-lora.ts';
import { AdapterBank, createAdapterBank } from './adapter-bank.ts';
import { adapterByteSize } from './adapter-byte-size.ts';
import type { AdapterBankEvents } from './bank-events.ts';
import type { BankHost } from './bank-host.ts';
import { randomLoadedBottleneck, randomLoadedLora } from './random-loaded-adapter.ts';

const config = tinyModelConfig();
const FINGERPRINT = 'base-weights-fingerprint';
const LAYOUT: AdapterSlotLayout = { slots: 4, lora: { rank: 4, modules: ['q', 'k', 'v', 'o'] }, bottleneck: { width: 8, activation: 'gelu' } };

/** The norms a graph build records, here of seeded random base weights. */
const baseWeightNorms = (() => {
  const checked = new CheckedWeights(randomModelWeights(config, 1));
  for (const name of checked.names()) checked.float32(name);
  return checked.norms;
})();

function hostFor(layout: AdapterSlotLayout | null = LAYOUT): BankHost {
  return { config, buildOptions: { adapters: layout }, slots: layout ? zeroSlotTensors(config, layout) : new Map(), weightsFingerprint: FINGERPRINT, baseWeightNorms };
}

const lora = (seed: number, rank = 2, extra: Partial<Parameters<typeof randomLoadedLora>[1]> = {}) =>
  randomLoadedLora(config, { rank, modules: ['q', 'v'], seed, name: `lora-${seed}`, ...extra });
const bottleneck = (seed: number, width = 4) => randomLoadedBottleneck(config, { width, activation: 'gelu', seed, name: `adapter-${seed}` });

/** Every event of the bank, in order, as [name, payload]. */
function record(bank: AdapterBank): [keyof AdapterBankEvents, unknown][] {
  const seen: [keyof AdapterBankEvents, unknown][] = [];
  bank.events.on('adapter:load', (e) => seen.push(['adapter:load', e]));
  bank.events.on('adapter:swap', (e) => seen.push(['adapter:swap', e]));
  bank.events.on('adapter:evict', (e) => seen.push(['adapter:evict', e]));
  return seen;
}

/** Slot `slot` of one stacked tensor. */
function slotData(host: BankHost, name: string, slot: number): Float32Array {
  const t = host.slots.get(name)!;
  const per = t.data.length / t.dims[0];
  return t.data.subarray(slot * per, (slot + 1) * per);
}

function slotIsZero(host: BankHost, slot: number): boolean {
  return [...host.slots.keys()].every((name) => slotData(host, name, slot).every((v) => v === 0));
}

function snapshot(host: BankHost, bank: AdapterBank) {
  return {
    slots: [...host.slots].map(([name, t]) => [name, Array.from(t.data)]),
    residents: bank.list(),
    pinned: bank.list().map((h) => bank.isPinned(h.id)),
    bytes: bank.residentBytes,
  };
}

describe('AdapterBank: loading', () => {
  it('copies a LoRA into a free slot: A/B where the layout puts them, rank padding and unused modules zero', () => {
    const host = hostFor();
    const bank = createAdapterBank(host);
    const adapter = lora(1, 2);
    const handle = bank.load(adapter);
    expect(handle).toMatchObject({ id: adapter.sha256, slot: 1, kind: 'lora', name: 'lora-1' });
    const w = adapter.weights.get(loraKey(1, 'v'))!;
    const a = slotData(host, 'lora.1.v.a', 1); // [in, 4]
    const b = slotData(host, 'lora.1.v.b', 1); // [4, out]
    for (let i = 0; i < w.inFeatures; i++) {
      expect(Array.from(a.subarray(i * 4, i * 4 + 4))).toEqual([w.a[i * 2], w.a[i * 2 + 1], 0, 0]);
    }
    expect(Array.from(b.subarray(0, 2 * w.outFeatures))).toEqual(Array.from(w.b));
    expect(b.subarray(2 * w.outFeatures).every((v) => v === 0)).toBe(true);
    expect(slotData(host, 'lora.0.k.a', 1).every((v) => v === 0)).toBe(true);
    expect(slotData(host, 'adapter.0.down', 1).every((v) => v === 0)).toBe(true);
    expect(slotIsZero(host, 0) && slotIsZero(host, 2) && slotIsZero(host, 3)).toBe(true);
  });

  it('reports the max rank and width of its layout', () => {
    const bank = createAdapterBank(hostFor());
    expect([bank.slotCount, bank.maxRank, bank.maxWidth]).toEqual([4, 4, 8]);
  });

  it('an adapter already resident (same sha256) is not copied again; the same name with new weights is a new adapter', () => {
    const bank = createAdapterBank(hostFor());
    const events = record(bank);
    const first = bank.load(lora(1));
    expect(bank.load(lora(1))).toEqual(first);
    const renewed = bank.load(lora(2, 2, { name: 'lora-1' }));
    expect(renewed.id).not.toBe(first.id);
    expect(renewed.slot).toBe(2);
    expect(events.filter(([name]) => name === 'adapter:load')).toHaveLength(2);
    expect(events[0]).toEqual(['adapter:load', expect.objectContaining({ id: first.id, name: 'lora-1', slot: 1, bytes: first.bytes })]);
  });

  it('evicts the least recently used unpinned adapter when the slots are full, zeroing its slot first', () => {
    const host = hostFor();
    const bank = createAdapterBank(host);
    const events = record(bank);
    const a = bank.load(lora(1, 4));
    const b = bank.load(bottleneck(2));
    bank.load(lora(3));
    bank.load(lora(1, 4)); // touch a: b is now least recently used
    const d = bank.load(lora(4, 1));
    expect(d.slot).toBe(b.slot);
    expect(bank.get(b.id)).toBeUndefined();
    expect(bank.get(a.id)).toBeDefined();
    expect(events).toContainEqual(['adapter:evict', { id: b.id, name: 'adapter-2', slot: b.slot, reason: 'lru' }]);
    // the bottleneck part of the reused slot is zero again
    expect(slotData(host, 'adapter.1.up', d.slot).every((v) => v === 0)).toBe(true);
  });

  it('a smaller rank loaded into a slot that held a larger one leaves no stale padding', () => {
    const host = hostFor();
    const bank = createAdapterBank(host);
    const big = bank.load(lora(1, 4));
    bank.evict(big.id);
    expect(slotIsZero(host, big.slot)).toBe(true);
    const small = bank.load(lora(2, 1));
    expect(small.slot).toBe(big.slot);
    const a = slotData(host, 'lora.0.q.a', small.slot);
    for (let i = 0; i < config.hiddenSize; i++) expect(Array.from(a.subarray(i * 4 + 1, i * 4 + 4))).toEqual([0, 0, 0]);
  });

  it('loading a resident adapter into an asked-for slot moves it there and zeroes its old slot', () => {
    const host = hostFor();
    const bank = createAdapterBank(host);
    const events = record(bank);
    const a = bank.load(lora(1));
    const moved = bank.load(lora(1), { slot: 3 });
    expect(moved).toEqual({ ...a, slot: 3 });
    expect(slotIsZero(host, 1)).toBe(true);
    expect(slotIsZero(host, 3)).toBe(false);
    expect(bank.list()).toEqual([moved]);
    expect(events).toContainEqual(['adapter:evict', { id: a.id, name: 'lora-1', slot: 1, reason: 'replaced' }]);
  });

  it('keeps resident bytes within the memory budget by LRU eviction', () => {
    const one = adapterByteSize(lora(1));
    const bank = createAdapterBank(hostFor(), { memoryBudgetBytes: 2 * one });
    const events = record(bank);
    const a = bank.load(lora(1));
    bank.load(lora(2));
    bank.load(lora(3));
    expect(bank.residentBytes).toBe(2 * one);
    expect(bank.get(a.id)).toBeUndefined();
    expect(events).toContainEqual(['adapter:evict', expect.objectContaining({ id: a.id, reason: 'budget' })]);
  });

  it('refuses a model without adapter slots and invalid options', () => {
    expectPlugboardError(() => createAdapterBank(hostFor(null)), 'INVALID_ARGUMENT', 'no adapter slots');
    expectPlugboardError(() => createAdapterBank(hostFor({ ...LAYOUT, slots: 1 })), 'INVALID_ARGUMENT', 'no adapter slots');
    expectPlugboardError(() => createAdapterBank(hostFor(), { memoryBudgetBytes: -1 }), 'INVALID_ARGUMENT', 'options');
  });
});

describe('AdapterBank: leases and swaps', () => {
  it('acquire returns the slot and pins it until release; evicting a pinned adapter is refused', () => {
    const host = hostFor();
    const bank = createAdapterBank(host);
    const a = bank.load(lora(1));
    const lease = bank.acquire(a.id);
    expect(lease.slot).toBe(a.slot);
    expect(bank.isPinned(a.id)).toBe(true);
    expectPlugboardError(() => bank.evict(a.id), 'SLOT_PINNED', 'release');
    expect(bank.get(a.id)).toBeDefined();
    lease.release();
    lease.release(); // harmless
    expect(bank.isPinned(a.id)).toBe(false);
    expect(bank.evict(a.id)).toBe(true);
    expect(slotIsZero(host, a.slot)).toBe(true);
    expect(bank.evict(a.id)).toBe(false);
  });

  it('two leases on one adapter keep it pinned until both are released', () => {
    const bank = createAdapterBank(hostFor());
    const a = bank.load(lora(1));
    const first = bank.acquire(a.id);
    const second = bank.acquire(a.id);
    first.release();
    expect(bank.isPinned(a.id)).toBe(true);
    second.release();
    expect(bank.isPinned(a.id)).toBe(false);
  });

  it('acquire(null) is the base model, slot 0; an adapter that is not resident is refused', () => {
    const bank = createAdapterBank(hostFor());
    expect(bank.acquire(null).slot).toBe(0);
    expectPlugboardError(() => bank.acquire('f'.repeat(64)), 'INVALID_ARGUMENT', 'not resident');
  });

  it('emits adapter:swap when a lane acquires a different adapter than it did last', () => {
    const bank = createAdapterBank(hostFor());
    const a = bank.load(lora(1));
    const b = bank.load(lora(2));
    const events = record(bank);
    bank.acquire(a.id).release(); // default lane: base -> a
    bank.acquire(a.id).release(); // same: no event
    bank.acquire(b.id, { lane: 'agent-2', row: 1 }).release(); // other lane: base -> b
    bank.acquire(null).release(); // default lane: a -> base
    expect(events).toEqual([
      ['adapter:swap', { lane: 'default', from: null, to: a.id, slot: a.slot }],
      ['adapter:swap', { lane: 'agent-2', from: null, to: b.id, slot: b.slot, row: 1 }],
      ['adapter:swap', { lane: 'default', from: a.id, to: null, slot: 0 }],
    ]);
  });
});

describe('AdapterBank: bad input leaves the bank unchanged', () => {
  const otherConfig = tinyModelConfig({ hiddenSize: 32, headDim: 8 });
  const withValue = (adapter: LoadedAdapter, value: number): LoadedAdapter => {
    if (adapter.kind === 'lora') adapter.weights.get(loraKey(0, 'v'))!.b[3] = value;
    else adapter.weights.get(1)!.up[5] = value;
    return adapter;
  };
  const cases: { what: string; adapter: () => LoadedAdapter; options?: { baseFingerprint?: string; slot?: number }; code: ErrorCode; says: string }[] = [
    { what: 'shape mismatch (adapter for another base)', adapter: () => randomLoadedLora(otherConfig, { rank: 2, modules: ['q'], seed: 9 }), code: 'ADAPTER_INCOMPATIBLE', says: 'another base model' },
    { what: 'bottleneck for another hidden size', adapter: () => randomLoadedBottleneck(otherConfig, { width: 4, activation: 'gelu', seed: 9 }), code: 'ADAPTER_INCOMPATIBLE', says: 'another base model' },
    { what: 'fingerprint mismatch stated by the adapter', adapter: () => lora(9, 2, { baseFingerprint: 'other-base' }), code: 'ADAPTER_INCOMPATIBLE', says: 'fingerprint other-base' },
    { what: 'fingerprint mismatch stated by the caller', adapter: () => lora(9), options: { baseFingerprint: 'other-base' }, code: 'ADAPTER_INCOMPATIBLE', says: 'fingerprint other-base' },
    { what: 'layer index out of range', adapter: () => {
      const adapter = lora(9);
      adapter.weights.set(loraKey(5, 'q'), adapter.weights.get(loraKey(0, 'q'))!);
      adapter.layers.push(5);
      return adapter;
    }, code: 'ADAPTER_INCOMPATIBLE', says: 'layer 5' },
    { what: 'rank above the bank max', adapter: () => lora(9, 8), code: 'ADAPTER_INCOMPATIBLE', says: 'max rank 4' },
    { what: 'NaN weights', adapter: () => withValue(lora(9), Number.NaN), code: 'ADAPTER_INVALID', says: 'NaN' },
    { what: 'Inf weights', adapter: () => withValue(bottleneck(9), Number.POSITIVE_INFINITY), code: 'ADAPTER_INVALID', says: 'Infinity' },
    { what: 'width above the bank max', adapter: () => bottleneck(9, 16), code: 'ADAPTER_INCOMPATIBLE', says: 'max width 8' },
    { what: 'module not in the layout', adapter: () => lora(9, 2, { modules: ['q', 'gate'] }), code: 'ADAPTER_INCOMPATIBLE', says: '"gate"' },
    { what: 'activation other than the layout', adapter: () => randomLoadedBottleneck(config, { width: 4, activation: 'relu', seed: 9 }), code: 'ADAPTER_INCOMPATIBLE', says: 'relu' },
    { what: 'a sha256 that is not one', adapter: () => ({ ...lora(9), sha256: 'abc' }), code: 'ADAPTER_INVALID', says: 'sha256' },
    { what: 'weights shorter than their shape', adapter: () => {
      const adapter = lora(9);
      const w = adapter.weights.get(loraKey(0, 'q'))!;
      adapter.weights.set(loraKey(0, 'q'), { ...w, a: w.a.subarray(1) });
      return adapter;
    }, code: 'ADAPTER_INVALID', says: 'values' },
    { what: 'overwriting a pinned slot', adapter: () => lora(9), options: { slot: 1 }, code: 'SLOT_PINNED', says: 'slot 1' },
    { what: 'bank full: every slot pinned', adapter: () => lora(9), code: 'BANK_FULL', says: 'release a lease' },
  ];

  it.each(cases)('$what: $code', ({ adapter, options, code, says }) => {
    const host = hostFor();
    const bank = createAdapterBank(host);
    // a bank in use: three residents, all pinned by running requests
    const leases = [bank.load(lora(1)), bank.load(bottleneck(2)), bank.load(lora(3, 4))].map((h) => bank.acquire(h.id));
    const before = snapshot(host, bank);
    const events = record(bank);
    const candidate = adapter();
    expectPlugboardError(() => bank.load(candidate, options), code, says);
    expect(snapshot(host, bank)).toEqual(before);
    expect(events).toEqual([]);
    expect(leases.every((l) => !l.released)).toBe(true);
  });

  it('a LISA-sparse layout refuses an adapter on a layer it has no slots for', () => {
    const layout: AdapterSlotLayout = { slots: 2, lora: { rank: 4, modules: ['q', 'v'], layers: [1] } };
    const host = hostFor(layout);
    const bank = createAdapterBank(host);
    const before = snapshot(host, bank);
    expectPlugboardError(() => bank.load(lora(9)), 'ADAPTER_INCOMPATIBLE', 'only in layers [1]');
    expect(snapshot(host, bank)).toEqual(before);
    expect(bank.load(lora(9, 2, { layers: [1] })).slot).toBe(1);
  });

  it('a LoRA for a model loaded with bottleneck slots only is refused', () => {
    const bank = createAdapterBank(hostFor({ slots: 2, bottleneck: { width: 8, activation: 'gelu' } }));
    expectPlugboardError(() => bank.load(lora(9)), 'ADAPTER_INCOMPATIBLE', 'without LoRA slots');
  });

  it('the matching base fingerprint is accepted', () => {
    const bank = createAdapterBank(hostFor());
    expect(bank.load(lora(9, 2, { baseFingerprint: FINGERPRINT }), { baseFingerprint: FINGERPRINT }).slot).toBe(1);
  });
});

describe('AdapterBank: one bank per model (issue 9 item 7)', () => {
  it('a second createAdapterBank with equal options is the same bank, so slots are never handed out twice', () => {
    const host = hostFor();
    const first = createAdapterBank(host, { memoryBudgetBytes: 1 << 20 });
    const leased = first.load(lora(1));
    const lease = first.acquire(leased.id);
    const second = createAdapterBank(host, { memoryBudgetBytes: 1 << 20 });
    expect(second).toBe(first);
    const other = second.load(lora(2));
    expect(other.slot).not.toBe(leased.slot);
    expect(first.get(leased.id)?.slot).toBe(leased.slot);
    lease.release();
  });

  it('other options, or a second bank built directly, are refused with BANK_EXISTS and change nothing', () => {
    const host = hostFor();
    const bank = createAdapterBank(host);
    bank.load(lora(3));
    const before = snapshot(host, bank);
    expectPlugboardError(() => createAdapterBank(host, { memoryBudgetBytes: 1024 }), 'BANK_EXISTS', 'one bank');
    expectPlugboardError(() => new AdapterBank(host), 'BANK_EXISTS');
    expect(snapshot(host, bank)).toEqual(before);
    // another model (its own slot tensors) gets its own bank
    expect(createAdapterBank(hostFor())).not.toBe(bank);
  });
});

describe('AdapterBank: adapter magnitudes bounded against the base weights (issue 9 item 2b)', () => {
  it('refuses a LoRA of std 1e19, or one scaled by lora_alpha 1e30, with NUMERIC_ERROR naming layer, module and ratio; the bank is unchanged', () => {
    const host = hostFor();
    const bank = createAdapterBank(host);
    bank.load(lora(1));
    const before = snapshot(host, bank);
    const huge = lora(2, 2, { scale: 1e19 });
    expectPlugboardError(() => bank.load(huge), 'NUMERIC_ERROR', 'layer 0 module q', 'times the base weight', `at most ${MAX_ADAPTER_DELTA_RATIO}`);
    const alpha = lora(3);
    // what toLoadedLora makes of lora_alpha 1e30: B pre-multiplied by alpha / r
    for (const w of alpha.weights.values()) w.b.forEach((v, i) => (w.b[i] = v * (1e30 / 2)));
    expectPlugboardError(() => bank.load(alpha), 'NUMERIC_ERROR', 'module');
    expect(snapshot(host, bank)).toEqual(before);
  });

  it('refuses a bottleneck whose up projection is absurd, and accepts ordinary adapters', () => {
    const bank = createAdapterBank(hostFor());
    const absurd = bottleneck(4);
    for (const w of absurd.weights.values()) w.up.forEach((v, i) => (w.up[i] = v * 1e19));
    expectPlugboardError(() => bank.load(absurd), 'NUMERIC_ERROR', 'layer 0 (bottleneck after the MLP)');
    expect(bank.load(bottleneck(5)).slot).toBeGreaterThan(0);
    expect(bank.load(lora(6, 4, { scale: 0.3 })).slot).toBeGreaterThan(0);
  });

  it('computes ‖A·B‖ exactly: equal to the norm of the dense product', () => {
    const w = lora(7, 3).weights.get(loraKey(1, 'v'))!;
    // A [in, r] · B [r, out]: linear() computes x · Wᵀ for W [out, in], so pass Bᵀ
    const bT = new Float32Array(w.outFeatures * w.rank);
    for (let p = 0; p < w.rank; p++) for (let o = 0; o < w.outFeatures; o++) bT[o * w.rank + p] = w.b[p * w.outFeatures + o]!;
    const dense = linear(w.a, w.inFeatures, bT, w.outFeatures, w.rank);
    expect(loraDeltaNorm(w)).toBeCloseTo(Math.hypot(...dense), 5);
  });
});
