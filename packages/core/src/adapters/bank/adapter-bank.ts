import { PlugboardError } from '../../errors/plugboard-error.ts';
import type { AdapterSlotLayout } from '../../model/adapter-slots.ts';
import { clearSlot, writeAdapterIntoSlot } from '../write-into-slot.ts';
import type { LoadedAdapter } from '../loaded-adapter.ts';
import { adapterByteSize } from './adapter-byte-size.ts';
import type { AdapterHandle, AdapterLease } from './adapter-lease.ts';
import { AdapterBankEventEmitter } from './bank-events.ts';
import type { EvictReason } from './bank-events.ts';
import type { BankHost } from './bank-host.ts';
import { AcquireOptionsSchema, AdapterBankOptionsSchema, LoadIntoBankOptionsSchema } from './bank-options.ts';
import type { AcquireOptions, AdapterBankOptions, LoadIntoBankOptions, ResolvedAdapterBankOptions } from './bank-options.ts';
import { planPlacement } from './eviction-plan.ts';
import type { ResidentInfo } from './eviction-plan.ts';
import { validateForBank } from './validate-for-bank.ts';

interface Resident extends ResidentInfo {
  name: string;
  kind: LoadedAdapter['kind'];
}

/**
 * The resident adapters of one loaded model (DESIGN.md "The adapter bank").
 * Loading validates, then copies into a slot of the model's stacked slot
 * tensors; activating is only choosing the slot index a request runs with.
 * Every failing call leaves slots, residency and LRU order as they were.
 */
export class AdapterBank {
  readonly events = new AdapterBankEventEmitter();
  readonly layout: AdapterSlotLayout;
  private readonly budgetBytes: number | undefined;
  private readonly residents = new Map<string, Resident>();
  /** the adapter each lane acquired last (null = base), for `adapter:swap` */
  private readonly lanes = new Map<string, string | null>();
  private clock = 0;

  constructor(
    private readonly host: BankHost,
    options: AdapterBankOptions = {},
  ) {
    const layout = host.buildOptions.adapters;
    if (!layout || layout.slots < 2) {
      throw new PlugboardError('INVALID_ARGUMENT', 'the model has no adapter slots besides the base; load it with adapters: { slots: ≥ 2, lora/bottleneck: ... }');
    }
    const parsed = parseBankOptions(options);
    if (banksBySlots.has(host.slots)) throw bankExists();
    this.layout = layout;
    this.options = parsed;
    this.budgetBytes = parsed.memoryBudgetBytes;
    banksBySlots.set(host.slots, this);
  }

  /** the options the bank was created with, defaults filled in */
  readonly options: ResolvedAdapterBankOptions;

  /** slots including slot 0 (base) */
  get slotCount(): number {
    return this.layout.slots;
  }

  /** the largest LoRA rank a slot holds (null: no LoRA slots) */
  get maxRank(): number | null {
    return this.layout.lora?.rank ?? null;
  }

  /** the largest bottleneck width a slot holds (null: no bottleneck slots) */
  get maxWidth(): number | null {
    return this.layout.bottleneck?.width ?? null;
  }

  get residentBytes(): number {
    let bytes = 0;
    for (const r of this.residents.values()) bytes += r.bytes;
    return bytes;
  }

  /** resident adapters, least recently used first */
  list(): AdapterHandle[] {
    return [...this.residents.values()].sort((a, b) => a.lastUsed - b.lastUsed).map(handleOf);
  }

  get(id: string): AdapterHandle | undefined {
    const resident = this.residents.get(id);
    return resident && handleOf(resident);
  }

  isPinned(id: string): boolean {
    return (this.residents.get(id)?.pins ?? 0) > 0;
  }

  /**
   * Makes `adapter` resident: validates it against the model and layout, picks
   * a slot (free, else evicting the least recently used unpinned adapter, and
   * more while over the memory budget), zeroes it and copies the weights in.
   * An adapter already resident (same sha256) is not copied again.
   */
  load(adapter: LoadedAdapter, options: LoadIntoBankOptions = {}): AdapterHandle {
    const started = performance.now();
    const parsed = LoadIntoBankOptionsSchema.safeParse(options);
    if (!parsed.success) throw new PlugboardError('INVALID_ARGUMENT', `invalid load options: ${parsed.error.message}`);
    const { baseFingerprint, slot: wantedSlot } = parsed.data;
    validateForBank(
      adapter,
      { config: this.host.config, layout: this.layout, weightsFingerprint: this.host.weightsFingerprint, baseWeightNorms: this.host.baseWeightNorms },
      baseFingerprint,
    );

    const existing = this.residents.get(adapter.sha256);
    if (existing && (wantedSlot === undefined || wantedSlot === existing.slot)) {
      existing.lastUsed = this.tick();
      return handleOf(existing);
    }
    const bytes = adapterByteSize(adapter);
    const others = [...this.residents.values()].filter((r) => r !== existing);
    // a resident adapter moving to another slot does not count against the budget twice
    const placement = planPlacement({ slotCount: this.slotCount, residents: others, bytes, budgetBytes: this.budgetBytes, slot: wantedSlot });
    if (existing && existing.pins > 0) {
      throw new PlugboardError('SLOT_PINNED', `adapter ${existing.id} is in use in slot ${existing.slot}; release its lease before moving it to slot ${wantedSlot}`);
    }

    // checks everything before its first write and clears the rest of the slot; after it, only bookkeeping is left
    writeAdapterIntoSlot(this.host.slots, this.layout, placement.slot, adapter);
    if (existing) this.remove(existing, 'replaced');
    for (const victim of placement.victims) this.remove(this.residents.get(victim.resident.id) as Resident, victim.reason, victim.resident.slot !== placement.slot);
    const resident: Resident = { id: adapter.sha256, name: adapter.name, kind: adapter.kind, slot: placement.slot, bytes, pins: 0, lastUsed: this.tick() };
    this.residents.set(resident.id, resident);
    this.events.emit('adapter:load', { id: resident.id, name: resident.name, slot: resident.slot, ms: performance.now() - started, bytes });
    return handleOf(resident);
  }

  /**
   * Activates an adapter for one request: returns its slot (pass it as
   * `adapterSlot`) and pins it until the lease is released. `null` means the
   * base model (slot 0). Emits `adapter:swap` when the lane's previously
   * acquired adapter was a different one.
   */
  acquire(id: string | null, options: AcquireOptions = {}): AdapterLease {
    const parsed = AcquireOptionsSchema.safeParse(options);
    if (!parsed.success) throw new PlugboardError('INVALID_ARGUMENT', `invalid acquire options: ${parsed.error.message}`);
    const { lane, row } = parsed.data;
    const resident = id === null ? null : this.residents.get(id);
    if (resident === undefined) {
      throw new PlugboardError('INVALID_ARGUMENT', `adapter ${id} is not resident in the bank (it was never loaded or has been evicted); load it first`);
    }
    if (resident) {
      resident.pins++;
      resident.lastUsed = this.tick();
    }
    const previous = this.lanes.get(lane) ?? null;
    this.lanes.set(lane, id);
    const slot = resident?.slot ?? 0;
    if (previous !== id) this.events.emit('adapter:swap', row === undefined ? { lane, from: previous, to: id, slot } : { lane, from: previous, to: id, slot, row });
    return new Lease(id, slot, () => {
      if (resident) resident.pins--;
    });
  }

  /** Removes an unpinned adapter and zeroes its slot; SLOT_PINNED while a request uses it. Returns false when it was not resident. */
  evict(id: string): boolean {
    const resident = this.residents.get(id);
    if (!resident) return false;
    if (resident.pins > 0) {
      throw new PlugboardError('SLOT_PINNED', `adapter ${id} in slot ${resident.slot} is in use by ${resident.pins} running request(s); release their leases before evicting it`);
    }
    this.remove(resident, 'manual');
    return true;
  }

  /** Forgets a resident adapter; its slot is zeroed unless the adapter replacing it was just written there. */
  private remove(resident: Resident, reason: EvictReason, clear = true): void {
    if (clear) clearSlot(this.host.slots, resident.slot);
    this.residents.delete(resident.id);
    this.events.emit('adapter:evict', { id: resident.id, name: resident.name, slot: resident.slot, reason });
  }

  private tick(): number {
    return ++this.clock;
  }
}

class Lease implements AdapterLease {
  private done = false;

  constructor(
    readonly id: string | null,
    readonly slot: number,
    private readonly onRelease: () => void,
  ) {}

  get released(): boolean {
    return this.done;
  }

  release(): void {
    if (this.done) return;
    this.done = true;
    this.onRelease();
  }
}

function handleOf(r: Resident): AdapterHandle {
  return { id: r.id, name: r.name, kind: r.kind, slot: r.slot, bytes: r.bytes };
}

/**
 * The banks by the slot tensors they write into: slots belong to the model,
 * so two banks over one model would both think slot 1 is free and overwrite
 * each other's adapters.
 */
const banksBySlots = new WeakMap<BankHost['slots'], AdapterBank>();

function parseBankOptions(options: AdapterBankOptions): ResolvedAdapterBankOptions {
  const parsed = AdapterBankOptionsSchema.safeParse(options);
  if (!parsed.success) throw new PlugboardError('INVALID_ARGUMENT', `invalid adapter bank options: ${parsed.error.message}`);
  return parsed.data;
}

function bankExists(): PlugboardError {
  return new PlugboardError(
    'BANK_EXISTS',
    'this model already has an adapter bank with other options; a model has one bank (its slots are shared): use the existing bank, or createAdapterBank(model) with the same options to get it',
  );
}

/**
 * The adapter bank of a loaded model: created on the first call; later calls
 * with equal options return that same bank, with other options BANK_EXISTS.
 */
export function createAdapterBank(model: BankHost, options: AdapterBankOptions = {}): AdapterBank {
  const existing = banksBySlots.get(model.slots);
  if (!existing) return new AdapterBank(model, options);
  if (JSON.stringify(existing.options) !== JSON.stringify(parseBankOptions(options))) throw bankExists();
  return existing;
}
