import { describe, expect, it } from 'vitest';
import { expectPlugboardError } from '../../testing/test-helpers.ts';
import { planPlacement } from './eviction-plan.ts';
import type { ResidentInfo } from './eviction-plan.ts';

const resident = (id: string, slot: number, lastUsed: number, pins = 0, bytes = 100): ResidentInfo => ({ id, slot, lastUsed, pins, bytes });

describe('planPlacement', () => {
  it('takes the lowest free slot and evicts nobody', () => {
    expect(planPlacement({ slotCount: 4, residents: [resident('a', 1, 1)], bytes: 10 })).toEqual({ slot: 2, victims: [] });
  });

  it('evicts the least recently used unpinned adapter when every slot is taken', () => {
    const residents = [resident('a', 1, 5), resident('b', 2, 1, 1), resident('c', 3, 3)];
    const plan = planPlacement({ slotCount: 4, residents, bytes: 10 });
    expect(plan.slot).toBe(3);
    expect(plan.victims.map((v) => [v.resident.id, v.reason])).toEqual([['c', 'lru']]);
  });

  it('evicts more LRU adapters until the memory budget fits, skipping pinned ones', () => {
    const residents = [resident('a', 1, 1, 1), resident('b', 2, 2), resident('c', 3, 3)];
    const plan = planPlacement({ slotCount: 8, residents, bytes: 150, budgetBytes: 300 });
    expect(plan.slot).toBe(4);
    expect(plan.victims.map((v) => [v.resident.id, v.reason])).toEqual([
      ['b', 'budget'],
      ['c', 'budget'],
    ]);
  });

  it('BANK_FULL when every occupied slot is pinned', () => {
    const residents = [resident('a', 1, 1, 1), resident('b', 2, 2, 2)];
    expectPlugboardError(() => planPlacement({ slotCount: 3, residents, bytes: 10 }), 'BANK_FULL', 'release a lease');
  });

  it('BANK_FULL when pinned adapters keep the budget from fitting', () => {
    const residents = [resident('a', 1, 1, 1, 200)];
    expectPlugboardError(() => planPlacement({ slotCount: 4, residents, bytes: 150, budgetBytes: 300 }), 'BANK_FULL', 'budget');
  });

  it('BANK_FULL for an adapter larger than the whole budget', () => {
    expectPlugboardError(() => planPlacement({ slotCount: 4, residents: [], bytes: 500, budgetBytes: 300 }), 'BANK_FULL', 'memoryBudgetBytes');
  });

  it('an asked-for slot replaces its unpinned occupant, refuses a pinned one and refuses slot 0', () => {
    const residents = [resident('a', 1, 1), resident('b', 2, 2, 1)];
    const plan = planPlacement({ slotCount: 4, residents, bytes: 10, slot: 1 });
    expect(plan.victims.map((v) => [v.resident.id, v.reason])).toEqual([['a', 'replaced']]);
    expectPlugboardError(() => planPlacement({ slotCount: 4, residents, bytes: 10, slot: 2 }), 'SLOT_PINNED', 'slot 2');
    expectPlugboardError(() => planPlacement({ slotCount: 4, residents, bytes: 10, slot: 0 }), 'INVALID_ARGUMENT', 'slot 0');
    expectPlugboardError(() => planPlacement({ slotCount: 4, residents, bytes: 10, slot: 4 }), 'INVALID_ARGUMENT', '1..3');
  });
});
