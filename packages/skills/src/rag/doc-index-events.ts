import { EventEmitter } from 'eventemitter3';
import type { SyncReport } from './sync-report.ts';

export interface SyncProgress {
  files: { done: number; total: number };
  /** Chunks embedded and written so far (the total is known only once every file is chunked). */
  chunks: number;
  /** Corpus bytes of the pending files processed so far: what the ETA is estimated from. */
  bytes: { done: number; total: number };
  chunksPerSecond: number;
  /** Estimated milliseconds left, from the bytes still to process; null before the first file. */
  etaMs: number | null;
}

/** Typed events of a document index; listen with `index.events.on(name, fn)`. */
export interface DocIndexEvents {
  /** a sync has planned its work: files to (re-)embed and to remove */
  'sync:start': (e: { pending: number; removed: number; skipped: number; bytes: number; fullReindex: boolean }) => void;
  /** after each batch of files is embedded and written */
  'sync:progress': (e: SyncProgress) => void;
  'sync:end': (e: { report: SyncReport; ms: number }) => void;
}

export class DocIndexEventEmitter extends EventEmitter<DocIndexEvents> {}
