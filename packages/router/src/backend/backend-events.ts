import { EventEmitter } from 'eventemitter3';

/** Typed events a backend may raise (a remote engine may raise none). */
export interface BackendEvents {
  /** the backend switched a conversation's adapter (ids are content hashes; null = base) */
  'adapter:swap': (e: { conversation: string; fromSkill: string | null; toSkill: string | null; from: string | null; to: string | null; slot: number }) => void;
}

export class BackendEventEmitter extends EventEmitter<BackendEvents> {}
