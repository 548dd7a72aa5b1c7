import { z } from 'zod';
import type { SparseVector } from './sparse-vector.ts';

/** A trained model as JSON: weights feature-major as little-endian float32 in base64. */
export const LinearClassifierStateSchema = z.object({
  classes: z.number().int().positive(),
  dimension: z.number().int().nonnegative(),
  weights: z.string(),
  bias: z.array(z.number().finite()),
});
export type LinearClassifierState = z.infer<typeof LinearClassifierStateSchema>;

/**
 * One weight vector and bias per class over sparse inputs; what softmax regression and the
 * squared-hinge SVM both train. Weights are stored feature-major (row f holds the weights
 * of feature f for every class), so scoring a text touches only the rows of its features.
 */
export class LinearClassifier {
  constructor(
    readonly classes: number,
    readonly dimension: number,
    /** dimension × classes, feature-major */
    readonly weights: Float32Array,
    readonly bias: Float64Array,
  ) {}

  static zeros(classes: number, dimension: number): LinearClassifier {
    return new LinearClassifier(classes, dimension, new Float32Array(dimension * classes), new Float64Array(classes));
  }

  toJSON(): LinearClassifierState {
    return { classes: this.classes, dimension: this.dimension, weights: Buffer.from(this.weights.buffer, this.weights.byteOffset, this.weights.byteLength).toString('base64'), bias: Array.from(this.bias) };
  }

  /** Restores a model; undefined when the stored weights do not have classes × dimension finite entries. */
  static fromJSON(state: LinearClassifierState): LinearClassifier | undefined {
    const bytes = Buffer.from(state.weights, 'base64');
    if (bytes.byteLength !== state.classes * state.dimension * 4 || state.bias.length !== state.classes) return undefined;
    const weights = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(weights.buffer).set(bytes);
    if (!weights.every(Number.isFinite)) return undefined;
    return new LinearClassifier(state.classes, state.dimension, weights, Float64Array.from(state.bias));
  }

  /** Raw class scores (logits) of one vector: bias plus a sparse dot product per class. */
  logits(x: SparseVector): Float64Array {
    return this.logitsInto(x, new Float64Array(this.classes));
  }

  logitsInto(x: SparseVector, out: Float64Array): Float64Array {
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

  /** The score of one class alone (a strided walk over the example's feature rows). */
  score(x: SparseVector, c: number): number {
    const classes = this.classes;
    const weights = this.weights;
    let sum = this.bias[c];
    for (let k = 0; k < x.indices.length; k++) sum += x.values[k] * weights[x.indices[k] * classes + c];
    return sum;
  }
}
