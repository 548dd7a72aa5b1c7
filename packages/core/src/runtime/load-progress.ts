import type { WeightSource } from '../hf/weight-source.ts';

/**
 * Where a model load is. `build`: the inference graph is being built and
 * written to the cache, `done` of `total` weight bytes read so far (tensors
 * are read as they are written, so this is most of a build's time; skipped
 * when the graph comes from the cache); `session`: ONNX Runtime is opening the
 * graph; `ready`: loaded. `total` is the size of the weights in every phase,
 * so one bar can show the whole load.
 */
export interface LoadProgress {
  phase: 'build' | 'session' | 'ready';
  done: number;
  total: number;
  elapsedMs: number;
}

export type LoadProgressListener = (progress: LoadProgress) => void;

/** Counts the weight bytes a build reads (each tensor once) and reports every phase to `listeners`. */
export class LoadProgressReporter {
  private readonly started = performance.now();
  private readonly total: number;
  private readonly read = new Set<string>();
  private done = 0;

  constructor(
    private readonly weights: WeightSource,
    private readonly listeners: readonly LoadProgressListener[],
  ) {
    this.total = weights.names().reduce((sum, name) => sum + weights.info(name).byteLength, 0);
  }

  /** A tensor was read by the build: report it the first time. */
  readonly tensorRead = (name: string): void => {
    if (this.read.has(name) || !this.weights.has(name)) return;
    this.read.add(name);
    this.done += this.weights.info(name).byteLength;
    this.report('build', this.done);
  };

  phase(phase: Exclude<LoadProgress['phase'], 'build'>): void {
    this.report(phase, this.total);
  }

  private report(phase: LoadProgress['phase'], done: number): void {
    const progress = { phase, done, total: this.total, elapsedMs: performance.now() - this.started };
    for (const listener of this.listeners) listener(progress);
  }
}
