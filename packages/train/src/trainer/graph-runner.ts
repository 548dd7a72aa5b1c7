import { createSession, runSession, serializeToBytes } from '@plugboard/core';
import type { Graph, OrtSession, SessionOptions } from '@plugboard/core';
import { floatData } from './ort-tensors.ts';
import type { OrtFeeds } from './ort-tensors.ts';

/** Defaults measured to suit training graphs on small CPUs: full graph optimization, two intra-op threads. */
export const TRAINING_SESSION_OPTIONS: SessionOptions = { graphOptimizationLevel: 'all', intraOpNumThreads: 2 };

/** One ORT session over one (training or differentiated) graph. */
export class GraphRunner {
  private constructor(
    private readonly session: OrtSession,
    readonly outputNames: readonly string[],
  ) {}

  static async open(graph: Graph, options: SessionOptions = TRAINING_SESSION_OPTIONS): Promise<GraphRunner> {
    const session = await createSession(serializeToBytes(graph), options);
    return new GraphRunner(session, graph.outputs.map((o) => o.name));
  }

  /** Runs and returns the requested float outputs by name. */
  async run(feeds: OrtFeeds, fetches: readonly string[]): Promise<Map<string, Float32Array>> {
    const result = await runSession(this.session, feeds, fetches);
    return new Map(fetches.map((name) => [name, floatData(result[name], name)]));
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
