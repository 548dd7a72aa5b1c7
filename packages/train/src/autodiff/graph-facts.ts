import { tensorBytes } from '@plugboard/core';
import type { Dim, DType, Graph, Initializer, Node } from '@plugboard/core';
import { isStatic } from './broadcast-shape.ts';
import type { FactsView, ValueFacts } from './op-rule.ts';
import { ruleOf } from './op-rules.ts';

/**
 * Shape and dtype inference over the IR, run once over the nodes in order.
 * Graph inputs and initializers seed it; each op's rule infers its outputs.
 * Small integer constants (initializers, Constant nodes, Shape of a static
 * shape) are kept too, since Reshape/Slice/Reduce read them.
 */
export class GraphFacts implements FactsView {
  private readonly values = new Map<string, ValueFacts>();
  private readonly constants = new Map<string, number[]>();
  private readonly initializers = new Map<string, Initializer>();
  private unknownCount = 0;

  constructor(graph: Graph) {
    for (const input of graph.inputs) this.values.set(input.name, { dtype: input.dtype, shape: input.shape });
    for (const init of graph.initializers) {
      this.values.set(init.name, { dtype: init.dtype, shape: init.dims });
      this.initializers.set(init.name, init);
    }
    for (const node of graph.nodes) this.inferNode(node);
  }

  has(value: string): boolean {
    return this.values.has(value);
  }

  dtype(value: string): DType | undefined {
    return this.values.get(value)?.dtype;
  }

  shape(value: string): Dim[] | undefined {
    return this.values.get(value)?.shape;
  }

  ints(value: string): number[] | undefined {
    const known = this.constants.get(value);
    if (known !== undefined) return known;
    const init = this.initializers.get(value);
    if (init === undefined) return undefined;
    const values = intsOf(init);
    if (values !== undefined) this.constants.set(value, values);
    return values;
  }

  private inferNode(node: Node): void {
    const rule = ruleOf(node);
    const inferred = rule?.infer({ node, facts: this, unknownDim: () => `unknown_${this.unknownCount++}` }) ?? [];
    node.outputs.forEach((output, i) => {
      if (output !== '') this.values.set(output, inferred[i] ?? { dtype: undefined, shape: undefined });
    });
    this.foldConstant(node);
  }

  private foldConstant(node: Node): void {
    const out = node.outputs[0] as string;
    if (node.op === 'Constant' && node.attributes.value?.type === 'tensor') {
      const values = intsOf(node.attributes.value.value);
      if (values !== undefined) this.constants.set(out, values);
    }
    if (node.op === 'Shape') {
      const shape = this.shape(node.inputs[0] as string);
      const start = node.attributes.start?.type === 'int' ? node.attributes.start.value : 0;
      const end = node.attributes.end?.type === 'int' ? node.attributes.end.value : undefined;
      if (isStatic(shape)) this.constants.set(out, shape.slice(start, end));
    }
  }
}

function intsOf(init: Initializer): number[] | undefined {
  const bytes = tensorBytes(init.data);
  const copy = bytes.slice();
  if (init.dtype === 'int64') return Array.from(new BigInt64Array(copy.buffer), Number);
  if (init.dtype === 'int32') return Array.from(new Int32Array(copy.buffer));
  return undefined;
}
