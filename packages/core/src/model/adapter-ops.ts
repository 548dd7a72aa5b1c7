import type { GraphBuilder } from '../graph/graph-builder.ts';
import { attr } from '../graph/ir.ts';
import type { HiddenActivation } from '../hf/config.ts';
import type { AdapterContext } from '../adapters/slot-context.ts';
import type { BottleneckActivation } from './adapter-slots.ts';
import { bottleneckInputName } from './adapter-slots.ts';

/** h + mask · (act(h · down + down_bias) · up + up_bias), Houlsby/ms-swift style, after the MLP. */
export function addBottleneck(b: GraphBuilder, ctx: AdapterContext, h: string, layer: number, activation: BottleneckActivation): string {
  const gathered = (part: 'down' | 'down_bias' | 'up' | 'up_bias') =>
    b.op1('Gather', [bottleneckInputName(layer, part), ctx.index], { axis: attr.int(0) });
  // biases [B, m] / [B, d] → [B, 1, m] / [B, 1, d] to broadcast over the sequence
  const axis1 = b.constant('int64', [1]);
  const downBias = b.op1('Unsqueeze', [gathered('down_bias'), axis1]);
  const upBias = b.op1('Unsqueeze', [gathered('up_bias'), axis1]);
  const pre = b.op1('Add', [b.op1('MatMul', [h, gathered('down')]), downBias]);
  const act = activate(b, pre, activation);
  const delta = b.op1('Add', [b.op1('MatMul', [act, gathered('up')]), upBias]);
  return b.op1('Add', [h, b.op1('Mul', [delta, ctx.mask])]);
}

/** A bottleneck adapter's activation or a model's MLP activation (hidden_act). */
export function activate(b: GraphBuilder, x: string, activation: BottleneckActivation | HiddenActivation): string {
  switch (activation) {
    case 'relu':
      return b.op1('Relu', [x]);
    case 'silu':
      return b.op1('Mul', [x, b.op1('Sigmoid', [x])]);
    case 'gelu': {
      // exact erf GELU: 0.5 · x · (1 + erf(x / √2))
      const scaled = b.op1('Mul', [x, b.constant('float32', [Math.SQRT1_2], [])]);
      const onePlus = b.op1('Add', [b.op1('Erf', [scaled]), b.constant('float32', [1], [])]);
      return b.op1('Mul', [b.op1('Mul', [x, onePlus]), b.constant('float32', [0.5], [])]);
    }
    case 'gelu_pytorch_tanh': {
      // 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))), torch's gelu(approximate="tanh")
      const cubic = b.op1('Mul', [b.op1('Mul', [b.op1('Mul', [x, x]), x]), b.constant('float32', [0.044715], [])]);
      const inner = b.op1('Mul', [b.op1('Add', [x, cubic]), b.constant('float32', [Math.sqrt(2 / Math.PI)], [])]);
      const onePlus = b.op1('Add', [b.op1('Tanh', [inner]), b.constant('float32', [1], [])]);
      return b.op1('Mul', [b.op1('Mul', [x, onePlus]), b.constant('float32', [0.5], [])]);
    }
  }
}
