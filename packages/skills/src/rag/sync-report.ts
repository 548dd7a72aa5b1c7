import type { SkippedFile } from './plan-sync.ts';

export interface SyncReport {
  /** Paths relative to the corpus root. */
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
  /** Files not indexed because they are not text (binary or not UTF-8), with the reason. */
  skipped: SkippedFile[];
  /** Chunks sent to the embedder. */
  embeddedChunks: number;
  /** Chunks whose vector was already stored for the same text (by content hash), so not embedded again. */
  reusedChunks: number;
  /** True when the chunking settings changed, so every file was chunked and embedded again. */
  fullReindex: boolean;
}

/** What opening an index did to repair it after an interrupted sync (all empty for a healthy index). */
export interface RecoveryReport {
  /** Files whose rows were incomplete: dropped from the index, re-embedded by the next sync. */
  dropped: string[];
  rolledForward: string[];
  rolledBack: string[];
  adopted: string[];
  deletedRows: number;
}
