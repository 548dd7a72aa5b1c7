import type { GraphBuilder } from '../../graph/graph-builder.ts';
import { attr } from '../../graph/ir.ts';
import type { AdapterContext } from '../slot-context.ts';
import type { LoraModule } from './lora-modules.ts';
import { loraInputName } from './lora-tensors.ts';

/**
 * y + ((x · a) ⊙ scale) · b, the LoRA forward of both graphs, the scale
 * applied on the rank-r intermediate (the cheapest place). Training: a and b
 * are the parameters and scale is the scaling constant; inference: they are
 * gathered per row from the slots (b pre-scaled) and scale is the adapter mask.
 */
export function addLoraOps(b: GraphBuilder, x: string, y: string, a: string, bm: string, scale: string): string {
  const down = b.op1('Mul', [b.op1('MatMul', [x, a]), scale]);
  return b.op1('Add', [y, b.op1('MatMul', [down, bm])]);
}

/**
 * base + mask · (x · a[slot]) · b[slot] in the inference graph: the per-row
 * slot is gathered from the stacked slot tensors (BGMV), so rows of one
 * batch can use different skills.
 */
export function addSlotLora(b: GraphBuilder, ctx: AdapterContext, x: string, base: string, layer: number, module: LoraModule): string {
  const a = b.op1('Gather', [loraInputName(layer, module, 'a'), ctx.index], { axis: attr.int(0) });
  const bm = b.op1('Gather', [loraInputName(layer, module, 'b'), ctx.index], { axis: attr.int(0) });
  return addLoraOps(b, x, base, a, bm, ctx.mask);
}
