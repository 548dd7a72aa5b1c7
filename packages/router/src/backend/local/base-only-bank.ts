import { PlugboardError } from '@plugboard/core';
import type { AdapterBankPort } from './adapter-bank-port.ts';

function noSlots(): PlugboardError {
  return new PlugboardError(
    'INVALID_ARGUMENT',
    'this LocalBackend has no adapter bank, so it runs the base model only; load the model with adapters: { slots: ≥ 2, lora: ... } and pass bank: createAdapterBank(model) to run skills',
  );
}

/**
 * The bank of a LocalBackend given none (a model loaded without adapter
 * slots): the base model is always "resident" in slot 0, and loading or
 * leasing a skill's adapter fails with INVALID_ARGUMENT saying what to do.
 */
export function baseOnlyBank(): AdapterBankPort {
  return {
    load: () => {
      throw noSlots();
    },
    get: () => undefined,
    isPinned: () => false,
    acquire: (id) => {
      if (id !== null) throw noSlots();
      return { id: null, slot: 0, release: () => undefined };
    },
    events: { on: () => undefined, off: () => undefined },
  };
}
