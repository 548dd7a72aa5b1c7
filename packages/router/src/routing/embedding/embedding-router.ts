import { PlugboardError } from '@plugboard/core';
import type { Calibratable, Calibration } from '../calibration/calibration.ts';
import { decideFromLogits } from '../calibration/decide.ts';
import type { Route, RouteDecision } from '../route.ts';
import type { AsyncRouter } from '../router.ts';
import { validateRoutes } from '../validate-routes.ts';
import type { Embedder } from './embedder.ts';
import { dot, unitVector } from './vector-math.ts';

export interface EmbeddingRouterOptions {
  /** `centroid`: cosine to each route's mean example; `knn`: mean of the route's k most similar examples. */
  mode?: 'centroid' | 'knn';
  k?: number;
  /** Cosines live in [-1, 1], so the default temperature (0.05) spreads them before softmax. */
  calibration?: Calibration;
}

/** Routes by cosine similarity between the step's embedding and each route's example embeddings. */
export class EmbeddingRouter implements AsyncRouter, Calibratable {
  readonly strategy = 'embedding';
  calibration: Calibration;
  private readonly mode: 'centroid' | 'knn';
  private readonly k: number;
  /** Per route: its centroid (centroid mode) or all its example vectors (knn mode). */
  private references: Float64Array[][] | null = null;
  private names: string[] = [];

  constructor(
    private readonly embedder: Embedder,
    options: EmbeddingRouterOptions = {},
  ) {
    this.mode = options.mode ?? 'centroid';
    this.k = options.k ?? 3;
    if (!Number.isInteger(this.k) || this.k < 1) throw new PlugboardError('INVALID_ARGUMENT', `k must be a positive integer, got ${this.k}.`);
    this.calibration = options.calibration ?? { temperature: 0.05, threshold: 0 };
  }

  get labels(): readonly string[] {
    return this.names;
  }

  async fit(routes: readonly Route[]): Promise<void> {
    validateRoutes(routes, { requireExamples: true });
    const vectors = (await this.embedder.embedDocuments(routes.flatMap((r) => r.examples))).map(unitVector);
    let at = 0;
    this.references = routes.map((route) => {
      const own = vectors.slice(at, at + route.examples.length);
      at += route.examples.length;
      return this.mode === 'centroid' ? [centroid(own)] : own;
    });
    this.names = routes.map((r) => r.name);
  }

  async logits(text: string): Promise<Float64Array> {
    const references = this.references;
    if (references === null) throw new PlugboardError('ROUTER_NOT_FITTED', 'The embedding router has not been fitted; call fit(routes) first.');
    const query = unitVector(await this.embedder.embedQuery(text));
    return Float64Array.from(references, (vectors) => meanOfTop(vectors.map((v) => dot(v, query)), this.k));
  }

  async route(text: string): Promise<RouteDecision> {
    return decideFromLogits(this.names, await this.logits(text), this.calibration, this.strategy);
  }
}

function centroid(vectors: readonly Float64Array[]): Float64Array {
  const sum = new Float64Array(vectors[0].length);
  for (const v of vectors) for (let i = 0; i < v.length; i++) sum[i] += v[i];
  return unitVector(sum);
}

function meanOfTop(values: number[], k: number): number {
  const top = values.sort((a, b) => b - a).slice(0, k);
  return top.reduce((a, b) => a + b, 0) / top.length;
}
