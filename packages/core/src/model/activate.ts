import type { GraphBuilder } from '../graph/graph-builder.ts';
import type { HiddenActivation } from '../hf/config.ts';
import type { BottleneckActivation } from '../adapters/bottleneck/bottleneck-spec.ts';

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
