import type { GraphBuilder } from '../../graph/graph-builder.ts';
import { attr } from '../../graph/ir.ts';
import { activate } from '../../model/activate.ts';
import type { AdapterContext } from '../slot-context.ts';
import type { BottleneckActivation } from './bottleneck-spec.ts';
import { bottleneckInputName } from './bottleneck-tensors.ts';
import type { BottleneckPart, BottleneckValues } from './bottleneck-tensors.ts';

/**
 * h + scale ⊙ (act(h · down + down_bias) · up + up_bias) for the MLP output
 * h, the bottleneck forward of both graphs. Training: the parameters and no
 * scale; inference: the row's slot (biases broadcast over the sequence) and
 * the adapter mask as the scale.
 */
export function addBottleneckOps(b: GraphBuilder, h: string, values: BottleneckValues, activation: BottleneckActivation, scale?: string): string {
  const hidden = activate(b, b.op1('Add', [b.op1('MatMul', [h, values.down]), values.downBias]), activation);
  const delta = b.op1('Add', [b.op1('MatMul', [hidden, values.up]), values.upBias]);
  return b.op1('Add', [h, scale === undefined ? delta : b.op1('Mul', [delta, scale])]);
}

/** The inference graph's adapter of layer `layer`: each row's slot gathered (BGMV), applied where adapter_mask says. */
export function addSlotBottleneck(b: GraphBuilder, ctx: AdapterContext, h: string, layer: number, activation: BottleneckActivation): string {
  const gathered = (part: BottleneckPart) => b.op1('Gather', [bottleneckInputName(layer, part), ctx.index], { axis: attr.int(0) });
  // biases [B, m] / [B, d] → [B, 1, m] / [B, 1, d] to broadcast over the sequence
  const axis1 = b.constant('int64', [1]);
  const values = {
    down: gathered('down'),
    downBias: b.op1('Unsqueeze', [gathered('down_bias'), axis1]),
    up: gathered('up'),
    upBias: b.op1('Unsqueeze', [gathered('up_bias'), axis1]),
  };
  return addBottleneckOps(b, h, values, activation, ctx.mask);
}
