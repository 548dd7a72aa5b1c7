import { PlugboardError } from '@plugboard/core';
import { UNCALIBRATED, type Calibratable, type Calibration } from '../calibration/calibration.ts';
import { decideFromLogits } from '../calibration/decide.ts';
import type { Route, RouteDecision } from '../route.ts';
import type { SyncRouter } from '../router.ts';
import { validateRoutes } from '../validate-routes.ts';
import { z } from 'zod';
import { CalibrationSchema } from '../calibration/calibration.ts';
import { LinearClassifier, LinearClassifierStateSchema } from './linear-classifier.ts';
import { trainLinearClassifier, type TrainingOptions } from './linear-training.ts';
import { appendDense, type SparseVector } from './sparse-vector.ts';
import { TfidfStateSchema, TfidfVectorizer, type TfidfOptions } from './tfidf-vectorizer.ts';

/** A fitted linear router as JSON: what `plugboard router fit` stores (dense features are not stored). */
export const LinearRouterStateSchema = z.object({
  labels: z.array(z.string().min(1)).min(1),
  calibration: CalibrationSchema,
  vectorizer: TfidfStateSchema,
  model: LinearClassifierStateSchema,
});
export type LinearRouterState = z.infer<typeof LinearRouterStateSchema>;

/** Extra dense features (e.g. a small local embedding model), computed synchronously. */
export interface DenseFeatures {
  dimension: number;
  embed(text: string): ArrayLike<number>;
  /** Norm given to the dense block relative to the unit-norm TF-IDF block (default 1). */
  weight?: number;
}

export interface LinearRouterOptions {
  features?: Partial<TfidfOptions>;
  training?: Partial<TrainingOptions>;
  dense?: DenseFeatures;
  calibration?: Calibration;
}

interface Fitted {
  vectorizer: TfidfVectorizer;
  model: LinearClassifier;
}

/** TF-IDF word + char n-grams → a one-vs-rest squared-hinge SVM (or softmax regression, `training.loss`). Synchronous and sub-millisecond. */
export class LinearRouter implements SyncRouter, Calibratable {
  readonly strategy = 'linear';
  calibration: Calibration;
  private fitted: Fitted | null = null;
  private names: string[] = [];

  constructor(private readonly options: LinearRouterOptions = {}) {
    this.calibration = options.calibration ?? UNCALIBRATED;
  }

  get labels(): readonly string[] {
    return this.names;
  }

  async fit(routes: readonly Route[]): Promise<void> {
    validateRoutes(routes, { requireExamples: true });
    const texts: string[] = [];
    const targets: number[] = [];
    routes.forEach((route, index) => {
      for (const example of route.examples) {
        texts.push(example);
        targets.push(index);
      }
    });
    const { vectorizer, vectors } = TfidfVectorizer.fitTransform(texts, this.options.features);
    const dimension = vectorizer.dimension + (this.options.dense?.dimension ?? 0);
    const inputs = vectors.map((vector, i) => this.withDense(vector, vectorizer, texts[i]));
    const model = trainLinearClassifier(inputs, targets, routes.length, dimension, this.options.training);
    this.fitted = { vectorizer, model };
    this.names = routes.map((r) => r.name);
  }

  /** The fitted router (vocabulary, weights, calibration); `LinearRouter.fromJSON` restores it. */
  toJSON(): LinearRouterState {
    const fitted = this.requireFitted();
    if (this.options.dense !== undefined) throw new PlugboardError('UNSUPPORTED_FEATURE', 'A linear router with dense features cannot be stored; refit it where the features are computed.');
    return { labels: [...this.names], calibration: this.calibration, vectorizer: fitted.vectorizer.toJSON(), model: fitted.model.toJSON() };
  }

  static fromJSON(state: LinearRouterState, options: Omit<LinearRouterOptions, 'dense' | 'calibration'> = {}): LinearRouter {
    const vectorizer = TfidfVectorizer.fromJSON(state.vectorizer);
    const model = LinearClassifier.fromJSON(state.model);
    if (model === undefined || model.dimension !== vectorizer.dimension || model.classes !== state.labels.length) {
      throw new PlugboardError('DATA_INVALID', `The stored linear router is inconsistent (weights for ${state.model.classes} classes × ${state.model.dimension} features, ${state.labels.length} labels, ${vectorizer.dimension} features); fit it again.`);
    }
    const router = new LinearRouter({ ...options, calibration: state.calibration });
    router.fitted = { vectorizer, model };
    router.names = [...state.labels];
    return router;
  }

  logits(text: string): Float64Array {
    const fitted = this.requireFitted();
    return fitted.model.logits(this.vectorize(fitted.vectorizer, text));
  }

  route(text: string): RouteDecision {
    return decideFromLogits(this.names, this.logits(text), this.calibration, this.strategy);
  }

  private vectorize(vectorizer: TfidfVectorizer, text: string): SparseVector {
    return this.withDense(vectorizer.transform(text), vectorizer, text);
  }

  private withDense(sparse: SparseVector, vectorizer: TfidfVectorizer, text: string): SparseVector {
    const dense = this.options.dense;
    if (dense === undefined) return sparse;
    const vector = dense.embed(text);
    if (vector.length !== dense.dimension) {
      throw new PlugboardError('INVALID_ARGUMENT', `Dense features have length ${vector.length}, but dimension ${dense.dimension} was declared; make them match.`);
    }
    return appendDense(sparse, vector, vectorizer.dimension, dense.weight ?? 1);
  }

  private requireFitted(): Fitted {
    if (this.fitted === null) throw new PlugboardError('ROUTER_NOT_FITTED', 'The linear router has not been fitted; call fit(routes) first.');
    return this.fitted;
  }
}
