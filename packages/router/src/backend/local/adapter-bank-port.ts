import type { LoadedAdapter } from '@plugboard/core';

/** A hold on a resident adapter: its slot stays pinned until release(). */
export interface AdapterLeasePort {
  /** null: the base model (slot 0) */
  readonly id: string | null;
  readonly slot: number;
  release(): void;
}

export interface AdapterSwapEvent {
  lane: string;
  from: string | null;
  to: string | null;
  slot: number;
  row?: number;
}

/**
 * What the controller needs from core's adapter bank (`createAdapterBank`):
 * load, look up, acquire a lease, and hear its `adapter:swap` events.
 */
export interface AdapterBankPort {
  load(adapter: LoadedAdapter): { id: string; slot: number };
  get(id: string): { id: string; slot: number } | undefined;
  isPinned(id: string): boolean;
  acquire(id: string | null, options?: { lane?: string }): AdapterLeasePort;
  readonly events: {
    on(event: 'adapter:swap', listener: (e: AdapterSwapEvent) => void): unknown;
    off(event: 'adapter:swap', listener: (e: AdapterSwapEvent) => void): unknown;
  };
}
