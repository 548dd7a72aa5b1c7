import type { LoadProgress, LoadProgressListener } from '@plugboard/core';
import { formatBytes } from '@plugboard/core';
import { ProgressBar } from './progress-bar.ts';

const PHASE_DETAIL: Record<LoadProgress['phase'], string> = {
  build: 'building the graph',
  session: 'opening the session',
  ready: 'ready',
};

/** loadModel's onProgress for the CLI: one bar for the load, in weight bytes, with the phase it is in. */
export function loadProgressBar(label = 'loading model'): LoadProgressListener {
  let bar: ProgressBar | null = null;
  return (p: LoadProgress) => {
    bar ??= new ProgressBar(label, p.total);
    bar.update(p.done, `${PHASE_DETAIL[p.phase]} (${formatBytes(p.done)} of ${formatBytes(p.total)}, ${(p.elapsedMs / 1000).toFixed(1)} s)`);
    if (p.phase === 'ready') bar.done();
  };
}
