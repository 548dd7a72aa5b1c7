import { differentiate } from '../autodiff/differentiate.ts';
import type { TrainingGraph } from '../model/training-graph.ts';
import { TRAINING_OUTPUTS } from '../model/training-graph.ts';
import { GraphRunner } from './graph-runner.ts';
import type { SessionOptions } from '@plugboard/core';

/**
 * ORT sessions over the training graph, differentiated with respect to one
 * set of parameters each: the graph computes no gradient for frozen weights.
 * Built on first use and kept, so a method whose trainable set changes
 * (lisa-sampling) pays for each distinct set once.
 */
export class GradientSessions {
  private readonly runners = new Map<string, Promise<GraphRunner>>();
  private evalRunner: Promise<GraphRunner> | null = null;

  constructor(
    private readonly training: TrainingGraph,
    private readonly sessionOptions?: SessionOptions,
  ) {}

  forGradients(wrt: readonly string[]): Promise<GraphRunner> {
    const key = [...wrt].sort().join('\n');
    let runner = this.runners.get(key);
    if (!runner) {
      const graph = differentiate(this.training.graph, { loss: TRAINING_OUTPUTS.loss, wrt: [...wrt] });
      runner = GraphRunner.open(graph, this.sessionOptions);
      this.runners.set(key, runner);
    }
    return runner;
  }

  /** The undifferentiated graph: loss (and logits if built with them) only. */
  forEvaluation(): Promise<GraphRunner> {
    this.evalRunner ??= GraphRunner.open(this.training.graph, this.sessionOptions);
    return this.evalRunner;
  }

  async release(): Promise<void> {
    const all = [...this.runners.values(), ...(this.evalRunner ? [this.evalRunner] : [])];
    for (const runner of all) await (await runner).release();
    this.runners.clear();
    this.evalRunner = null;
  }
}
