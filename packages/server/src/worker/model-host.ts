import type { BackendDescription, SkillBackend } from '@plugboard/router';
import type { SkillCatalog } from '../catalog/skill-catalog.ts';

/** A resident adapter as /metrics and tests see it. */
export interface ResidentAdapter {
  name: string;
  slot: number;
  pinned: boolean;
}

/** The worker's continuous batch: rows decoding, prompts prefilling, requests waiting, and the most rows one decode step has run. */
export interface BatchState {
  decoding: number;
  prefilling: number;
  waiting: number;
  mostRows: number;
}

export interface BankState {
  resident: ResidentAdapter[];
  /** adapter swaps since start */
  swaps: number;
}

/**
 * What the server needs from where the model lives: the backend, embeddings
 * over the base model, the bank's state, and skills added or removed at run
 * time. It lives in the model worker (WorkerHost is its proxy) or, in tests
 * that need no isolation, in-process.
 */
export interface ModelHostParts {
  backend: SkillBackend;
  catalog: SkillCatalog;
  /** base-model embeddings (the model loaded with hiddenStates) */
  embed?(texts: string[]): Promise<Float32Array[]>;
  bankState(): BankState;
  batchState(): BatchState;
  dispose?(): Promise<void>;
}

/** A module the model worker imports: it exports `createHost(options)`. */
export type HostFactory = (options: unknown) => Promise<ModelHostParts>;

/** The host as the HTTP side uses it (all calls may cross a thread). */
export interface ModelHost {
  readonly backend: SkillBackend;
  describe(): BackendDescription;
  embed(texts: string[]): Promise<number[][]>;
  bankState(): Promise<BankState>;
  batchState(): Promise<BatchState>;
  addSkill(path: string): Promise<void>;
  removeSkill(name: string, version?: string): Promise<boolean>;
  close(): Promise<void>;
}
