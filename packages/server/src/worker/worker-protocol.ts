import type { SkillDelta, SkillRequestInput, SkillResult } from '@plugboard/router';
import type { BackendDescription } from '@plugboard/router';

/** What the model worker is started with: the host module to import and its options (structured-clonable). */
export interface WorkerData {
  module: string;
  options: unknown;
}

export type HostCall = { method: 'embed'; texts: string[] } | { method: 'bankState' } | { method: 'batchState' } | { method: 'addSkill'; path: string } | { method: 'removeSkill'; name: string; version?: string } | { method: 'prepare'; skill: string };

export type ToWorker =
  | { type: 'generate'; id: number; request: Omit<SkillRequestInput, 'signal'> }
  | { type: 'abort'; id: number }
  | { type: 'call'; id: number; call: HostCall }
  | { type: 'close' };

export interface WireError {
  code: string | null;
  message: string;
  details?: Record<string, unknown>;
}

export type FromWorker =
  | { type: 'ready'; description: BackendDescription }
  | { type: 'failed'; error: WireError }
  | { type: 'delta'; id: number; delta: SkillDelta }
  | { type: 'result'; id: number; result: SkillResult; description: BackendDescription }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'reply'; id: number; value: unknown; description: BackendDescription };
