import { z } from 'zod';
import type { LinearClassifier } from './linear-classifier.ts';
import { trainSoftmaxRegression } from './softmax-regression.ts';
import type { SparseVector } from './sparse-vector.ts';
import { trainSquaredHingeSvm } from './squared-hinge-svm.ts';

export const TrainingOptionsSchema = z.object({
  /**
   * `squared-hinge`: a one-vs-rest linear SVM (scikit-learn's LinearSVC), trained exactly by
   * dual coordinate descent; `softmax`: multinomial logistic regression by AdaGrad.
   */
  loss: z.enum(['squared-hinge', 'softmax']).default('squared-hinge'),
  /** Squared hinge: inverse regularization strength (liblinear's C). */
  c: z.number().positive().default(1),
  /** Passes over the data; default: 5 for the SVM (on the held-out-template set 5 and 20 score the same), softmax see `resolveSchedule`. */
  epochs: z.number().int().positive().optional(),
  /**
   * Softmax: start each class's weights at this multiple of its mean training vector (a Rocchio
   * classifier), so the optimizer begins near a good answer and needs few epochs; 0 starts at zero.
   */
  centroidInit: z.number().min(0).default(5),
  /** Softmax: AdaGrad step size. */
  learningRate: z.number().positive().default(0.5),
  /** Softmax: L2 penalty, applied to the weights each example updates (lazy regularization). */
  l2: z.number().min(0).default(1e-3),
  /** Softmax: per-example class gradients smaller than this are skipped; default: see `resolveSchedule`. */
  gradientFloor: z.number().min(0).optional(),
  seed: z.number().int().default(0),
});
export type TrainingOptions = z.infer<typeof TrainingOptionsSchema>;

/** Trains the linear classifier the options name on sparse inputs and class indices. */
export function trainLinearClassifier(
  inputs: readonly SparseVector[],
  targets: ArrayLike<number>,
  classes: number,
  dimension: number,
  input: Partial<TrainingOptions> = {},
): LinearClassifier {
  const options = TrainingOptionsSchema.parse(input);
  if (options.loss === 'softmax') return trainSoftmaxRegression(inputs, targets, classes, dimension, options);
  return trainSquaredHingeSvm(inputs, targets, classes, dimension, { c: options.c, epochs: options.epochs ?? 5, seed: options.seed });
}
