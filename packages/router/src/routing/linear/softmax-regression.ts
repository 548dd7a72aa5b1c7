import { z } from 'zod';
import { SeededRandom } from '@plugboard/core';
import { softmax } from '../softmax.ts';
import type { SparseVector } from './sparse-vector.ts';

export const TrainingOptionsSchema = z.object({
  /** Passes over the data; default: as many as a fixed work budget allows (see `resolveSchedule`). */
  epochs: z.number().int().positive().optional(),
  /**
   * Start each class's weights at this multiple of its mean training vector (a Rocchio
   * classifier), so the optimizer begins near a good answer and needs few epochs; 0 starts at zero.
   */
  centroidInit: z.number().min(0).default(5),
  learningRate: z.number().positive().default(0.5),
  /** L2 penalty, applied to the weights each example updates (lazy regularization). */
  l2: z.number().min(0).default(1e-3),
  /** Per-example class gradients smaller than this are skipped; default: see `resolveSchedule`. */
  gradientFloor: z.number().min(0).optional(),
  seed: z.number().int().default(0),
});
export type TrainingOptions = z.infer<typeof TrainingOptionsSchema>;

const EPSILON = 1e-8;

/** A trained model as JSON: weights feature-major as little-endian float32 in base64. */
export const SoftmaxStateSchema = z.object({
  classes: z.number().int().positive(),
  dimension: z.number().int().nonnegative(),
  weights: z.string(),
  bias: z.array(z.number().finite()),
});
export type SoftmaxState = z.infer<typeof SoftmaxStateSchema>;

/**
 * Multinomial logistic regression over sparse vectors. Weights are stored feature-major
 * (row f holds the weights of feature f for every class), so scoring a text touches only
 * the rows of its features.
 */
export class SoftmaxRegression {
  private constructor(
    readonly classes: number,
    readonly dimension: number,
    private readonly weights: Float32Array,
    private readonly bias: Float64Array,
  ) {}

  /**
   * Online (per-example) AdaGrad with a seeded shuffle per epoch. AdaGrad suits sparse
   * text features: rare n-grams keep large steps, frequent ones settle. Updates stay
   * sparse in both directions: only the rows of the example's features, and only the
   * classes whose gradient (p_c − y_c) is at least `gradientFloor`; the L2 penalty is
   * applied to exactly the weights updated. Once the model is fairly sure, an example
   * touches a handful of classes, so an epoch costs little more than scoring.
   */
  static train(
    inputs: readonly SparseVector[],
    targets: ArrayLike<number>,
    classes: number,
    dimension: number,
    input: Partial<TrainingOptions> = {},
  ): SoftmaxRegression {
    const options = TrainingOptionsSchema.parse(input);
    const { centroidInit, learningRate, l2, seed } = options;
    const { epochs, gradientFloor } = resolveSchedule(options, inputs.length, classes);
    const weights = centroidWeights(inputs, targets, classes, dimension, centroidInit);
    const squared = new Float32Array(dimension * classes);
    const bias = new Float64Array(classes);
    const biasSquared = new Float64Array(classes);
    const model = new SoftmaxRegression(classes, dimension, weights, bias);

    const random = new SeededRandom(seed);
    const order = Array.from({ length: inputs.length }, (_, i) => i);
    const logits = new Float64Array(classes);
    const gradient = new Float64Array(classes);
    const active = new Int32Array(classes);

    for (let epoch = 0; epoch < epochs; epoch++) {
      for (const example of random.shuffled(order)) {
        const x = inputs[example];
        softmax(model.logitsInto(x, logits), 1, gradient);
        gradient[targets[example]] -= 1;
        let activeCount = 0;
        for (let c = 0; c < classes; c++) {
          const g = gradient[c];
          biasSquared[c] += g * g;
          bias[c] -= (learningRate * g) / (Math.sqrt(biasSquared[c]) + EPSILON);
          if (g >= gradientFloor || g <= -gradientFloor) active[activeCount++] = c;
        }
        const indices = x.indices;
        const values = x.values;
        for (let k = 0; k < indices.length; k++) {
          const row = indices[k] * classes;
          const value = values[k];
          for (let a = 0; a < activeCount; a++) {
            const at = row + active[a];
            const g = value * gradient[active[a]] + l2 * weights[at];
            squared[at] += g * g;
            weights[at] -= (learningRate * g) / (Math.sqrt(squared[at]) + EPSILON);
          }
        }
      }
    }
    return model;
  }

  toJSON(): SoftmaxState {
    return { classes: this.classes, dimension: this.dimension, weights: Buffer.from(this.weights.buffer, this.weights.byteOffset, this.weights.byteLength).toString('base64'), bias: Array.from(this.bias) };
  }

  /** Restores a model; undefined when the stored weights do not have classes × dimension entries. */
  static fromJSON(state: SoftmaxState): SoftmaxRegression | undefined {
    const bytes = Buffer.from(state.weights, 'base64');
    if (bytes.byteLength !== state.classes * state.dimension * 4 || state.bias.length !== state.classes) return undefined;
    const weights = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(weights.buffer).set(bytes);
    if (!weights.every(Number.isFinite)) return undefined;
    return new SoftmaxRegression(state.classes, state.dimension, weights, Float64Array.from(state.bias));
  }

  /** Raw class scores (logits) of one vector: bias plus a sparse dot product per class. */
  logits(x: SparseVector): Float64Array {
    return this.logitsInto(x, new Float64Array(this.classes));
  }

  private logitsInto(x: SparseVector, out: Float64Array): Float64Array {
    const classes = this.classes;
    const weights = this.weights;
    const indices = x.indices;
    const values = x.values;
    out.set(this.bias);
    for (let k = 0; k < indices.length; k++) {
      const row = indices[k] * classes;
      const value = values[k];
      for (let c = 0; c < classes; c++) out[c] += value * weights[row + c];
    }
    return out;
  }
}

/** Examples × classes above which training switches to its large-problem schedule. */
const LARGE_PROBLEM = 1e6;

/**
 * Small problems (a few routes, hundreds of examples) train for 12 exact epochs. Large
 * ones (e.g. 150 routes × 100 examples) get one epoch from the centroid start and skip
 * class gradients under 1e-3: fitting stays within seconds on two cores, and on the
 * synthetic bench a second epoch gained under one point of accuracy for 50% more time.
 * Explicit options win.
 */
export function resolveSchedule(options: TrainingOptions, examples: number, classes: number): { epochs: number; gradientFloor: number } {
  const large = examples * classes > LARGE_PROBLEM;
  return {
    epochs: options.epochs ?? (large ? 1 : 12),
    gradientFloor: options.gradientFloor ?? (large ? 1e-3 : 0),
  };
}

/** `scale` × the mean vector of each class, laid out feature-major like the model's weights. */
function centroidWeights(inputs: readonly SparseVector[], targets: ArrayLike<number>, classes: number, dimension: number, scale: number): Float32Array {
  const weights = new Float32Array(dimension * classes);
  if (scale === 0) return weights;
  const counts = new Float64Array(classes);
  for (let i = 0; i < inputs.length; i++) counts[targets[i]]++;
  inputs.forEach((x, i) => {
    const target = targets[i];
    const factor = scale / counts[target];
    for (let k = 0; k < x.indices.length; k++) weights[x.indices[k] * classes + target] += x.values[k] * factor;
  });
  return weights;
}
