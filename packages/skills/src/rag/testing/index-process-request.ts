/** Test-only: what index-process.ts is asked to do (shared by the script and the tests that spawn it). */
export type KillPoint = 'before:add' | 'after:add' | 'before:deleteIds' | 'after:deleteIds' | 'before:ensureIndexed' | 'after:clear';

export interface ProcessRequest {
  corpusDir: string;
  indexDir: string;
  steps: ({ sync: true } | { sync?: undefined; search: string; k?: number })[];
  killAt?: KillPoint;
  commitChunks?: number;
}
