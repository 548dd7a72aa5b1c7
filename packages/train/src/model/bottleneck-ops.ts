import type { BottleneckActivation, GraphBuilder } from '@plugboard/core';
import { activationOps } from './activation-ops.ts';

export interface BottleneckInputs {
  /** [d, m] */
  down: string;
  /** [m] */
  downBias: string;
  /** [m, d] */
  up: string;
  /** [d] */
  upBias: string;
}

/** h + act(h down + down_bias) up + up_bias, for the MLP output h [N, d]. */
export function addBottleneckOps(b: GraphBuilder, h: string, inputs: BottleneckInputs, activation: BottleneckActivation): string {
  const hidden = activationOps(b, b.op1('Add', [b.op1('MatMul', [h, inputs.down]), inputs.downBias]), activation);
  const delta = b.op1('Add', [b.op1('MatMul', [hidden, inputs.up]), inputs.upBias]);
  return b.op1('Add', [h, delta]);
}
