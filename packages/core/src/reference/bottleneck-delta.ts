import { vectorTimesMatrix } from './linear.ts';

/** One layer's stacked bottleneck slot tensors: down [N,d,m], down_bias [N,m], up [N,m,d], up_bias [N,d]. */
export interface BottleneckSlotTensors {
  down: Float32Array;
  downBias: Float32Array;
  up: Float32Array;
  upBias: Float32Array;
  hiddenSize: number;
  width: number;
}

/**
 * h[t] += mask[t] * (act(h[t] down + down_bias) up + up_bias) for each of
 * `rows` tokens of the MLP output h, in place (before the residual add).
 */
export function addBottleneckDelta(
  h: Float32Array,
  rows: number,
  tensors: BottleneckSlotTensors,
  activation: (x: number) => number,
  slot: number,
  mask: ArrayLike<number>,
): void {
  const { hiddenSize: d, width: m } = tensors;
  for (let t = 0; t < rows; t++) {
    const weight = mask[t];
    if (weight === 0) continue;
    const hidden = vectorTimesMatrix(h, t * d, d, tensors.down, slot * d * m, m);
    for (let j = 0; j < m; j++) hidden[j] = activation(hidden[j] + tensors.downBias[slot * m + j]);
    const delta = vectorTimesMatrix(hidden, 0, m, tensors.up, slot * m * d, d);
    for (let o = 0; o < d; o++) h[t * d + o] += weight * (delta[o] + tensors.upBias[slot * d + o]);
  }
}
