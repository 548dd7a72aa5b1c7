import { EventEmitter } from 'eventemitter3';

export type EvictReason = 'lru' | 'budget' | 'replaced' | 'manual';

/** Typed events of an adapter bank; listen with `bank.events.on(name, fn)`. */
export interface AdapterBankEvents {
  /** an adapter was copied into a slot (not emitted when it was already resident) */
  'adapter:load': (e: { id: string; name: string; slot: number; ms: number; bytes: number }) => void;
  /**
   * A lane's active adapter changed: emitted by `acquire` when the adapter it
   * acquires differs from the one that lane acquired last (null = base).
   * A lane is whatever the caller runs requests in order on (an agent, a
   * conversation); `row` is the batch row when the caller passes one.
   */
  'adapter:swap': (e: { lane: string; from: string | null; to: string | null; slot: number; row?: number }) => void;
  /** an adapter left its slot (which is zeroed) */
  'adapter:evict': (e: { id: string; name: string; slot: number; reason: EvictReason }) => void;
}

export class AdapterBankEventEmitter extends EventEmitter<AdapterBankEvents> {}
