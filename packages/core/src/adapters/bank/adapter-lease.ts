/** A resident adapter as the bank reports it. */
export interface AdapterHandle {
  /** sha256 of the adapter's weights */
  id: string;
  name: string;
  kind: 'lora' | 'adapter';
  /** the slot index a request passes as `adapterSlot` */
  slot: number;
  /** bytes of weights counted against the memory budget */
  bytes: number;
}

/**
 * A request's hold on a resident adapter: while it is not released the slot
 * is pinned (never evicted or overwritten). Release it when the request ends;
 * releasing twice is harmless.
 */
export interface AdapterLease {
  /** null for the base model (slot 0, nothing pinned) */
  readonly id: string | null;
  readonly slot: number;
  readonly released: boolean;
  release(): void;
}
