import { EventEmitter } from 'eventemitter3';
import type { LoadProgress } from '../runtime/load-progress.ts';

export interface GenerationTimings {
  /** time from request to the first generated token */
  ttftMs: number;
  prefillMs: number;
  decodeMs: number;
  totalMs: number;
  promptTokens: number;
  generatedTokens: number;
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
}

export type FinishReason = 'stop' | 'length' | 'aborted';

export interface GenerationResult {
  text: string;
  tokens: number[];
  finishReason: FinishReason;
  /** the stop string or token that ended generation, if any */
  stoppedBy: string | number | null;
  timings: GenerationTimings;
}

/** Typed events of a loaded model; listen with `model.events.on(name, fn)`. */
export interface ModelEvents {
  /** during loadModel (pass `events` to it to hear these): graph build, session, ready */
  'model:progress': (e: LoadProgress) => void;
  'model:load': (e: { dir: string; ms: number; fromCache: boolean; graphPath: string }) => void;
  'generate:start': (e: { requestId: string; rows: number; promptTokens: number[] }) => void;
  'generate:token': (e: { requestId: string; row: number; tokenId: number; text: string }) => void;
  'generate:end': (e: { requestId: string; results: GenerationResult[] }) => void;
}

export class ModelEventEmitter extends EventEmitter<ModelEvents> {}
