import { PlugboardError } from '../../errors/plugboard-error.ts';
import type { EvictReason } from './bank-events.ts';

/** What the planner needs to know about a resident adapter. */
export interface ResidentInfo {
  id: string;
  slot: number;
  bytes: number;
  pins: number;
  /** larger = used more recently */
  lastUsed: number;
}

export interface PlacementRequest {
  /** slots in the bank, slot 0 (base) included */
  slotCount: number;
  residents: readonly ResidentInfo[];
  bytes: number;
  budgetBytes?: number;
  /** a slot the caller asked for */
  slot?: number;
}

export interface Placement {
  slot: number;
  victims: { resident: ResidentInfo; reason: EvictReason }[];
}

/**
 * Decides where a new adapter goes and who leaves, without changing anything:
 * a free slot first, else the least recently used unpinned adapter's; then
 * more LRU evictions until the memory budget fits. Pinned adapters are never
 * chosen; when they block the placement it throws (BANK_FULL, SLOT_PINNED).
 */
export function planPlacement(request: PlacementRequest): Placement {
  const { slotCount, residents, bytes, budgetBytes } = request;
  if (budgetBytes !== undefined && bytes > budgetBytes) {
    throw new PlugboardError('BANK_FULL', `the adapter has ${bytes} bytes of weights, more than the bank's whole memory budget of ${budgetBytes}; raise memoryBudgetBytes`);
  }
  const victims: Placement['victims'] = [];
  const bySlot = new Map(residents.map((r) => [r.slot, r]));
  const byRecency = [...residents].sort((a, b) => a.lastUsed - b.lastUsed);
  const nextUnpinned = () => byRecency.find((r) => r.pins === 0 && !victims.some((v) => v.resident === r));

  let slot: number;
  if (request.slot !== undefined) {
    slot = request.slot;
    if (slot < 1 || slot >= slotCount) {
      throw new PlugboardError('INVALID_ARGUMENT', `slot ${slot} cannot take an adapter: the bank's adapter slots are 1..${slotCount - 1} (slot 0 is the base model)`);
    }
    const occupant = bySlot.get(slot);
    if (occupant && occupant.pins > 0) {
      throw new PlugboardError('SLOT_PINNED', `slot ${slot} holds adapter ${occupant.id} which a running request is using; release its lease first or choose another slot`);
    }
    if (occupant) victims.push({ resident: occupant, reason: 'replaced' });
  } else {
    const free = Array.from({ length: slotCount - 1 }, (_, i) => i + 1).find((s) => !bySlot.has(s));
    if (free !== undefined) {
      slot = free;
    } else {
      const lru = nextUnpinned();
      if (!lru) throw new PlugboardError('BANK_FULL', `all ${slotCount - 1} adapter slots hold adapters that running requests are using; release a lease or load the model with more slots`);
      victims.push({ resident: lru, reason: 'lru' });
      slot = lru.slot;
    }
  }

  if (budgetBytes !== undefined) {
    let used = residents.reduce((sum, r) => sum + r.bytes, 0) - victims.reduce((sum, v) => sum + v.resident.bytes, 0);
    while (used + bytes > budgetBytes) {
      const lru = nextUnpinned();
      if (!lru) {
        throw new PlugboardError('BANK_FULL', `loading ${bytes} more bytes would exceed the memory budget of ${budgetBytes} and the resident adapters in the way are pinned by running requests; release a lease or raise memoryBudgetBytes`);
      }
      victims.push({ resident: lru, reason: 'budget' });
      used -= lru.bytes;
    }
  }
  return { slot, victims };
}
