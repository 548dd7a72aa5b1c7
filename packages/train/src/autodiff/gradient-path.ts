import type { Graph, Node } from '@plugboard/core';
import type { GraphFacts } from './graph-facts.ts';
import { OP_RULES } from './op-rules.ts';

export interface GradientPath {
  /** values that depend on some `wrt` value through differentiable float ops */
  dependsOnWrt: Set<string>;
  /** nodes whose VJP must run, in forward order */
  nodes: Node[];
}

const INTEGRAL = new Set(['int64', 'int32', 'int8', 'uint8', 'bool']);

/**
 * The nodes on some path wrt → loss. Forward: a float output depends on wrt
 * when a differentiable node reads a value that does. Backward: the loss
 * needs every input of a node one of whose outputs it needs. Only nodes in
 * both get VJPs, so a frozen weight's gradient is never built.
 */
export function findGradientPath(graph: Graph, facts: GraphFacts, loss: string, wrt: string[]): GradientPath {
  const dependsOnWrt = new Set(wrt);
  for (const node of graph.nodes) {
    if (OP_RULES[node.op]?.vjp === 'none' && node.domain === '') continue;
    if (!node.inputs.some((i) => dependsOnWrt.has(i))) continue;
    for (const out of node.outputs) {
      const dtype = facts.dtype(out);
      // unknown dtypes (unknown ops) count as float, so an unknown op on the path is reported, not skipped
      if (out !== '' && (dtype === undefined || !INTEGRAL.has(dtype))) dependsOnWrt.add(out);
    }
  }
  const lossNeeds = new Set([loss]);
  const nodes: Node[] = [];
  for (let n = graph.nodes.length - 1; n >= 0; n--) {
    const node = graph.nodes[n] as Node;
    if (!node.outputs.some((o) => lossNeeds.has(o))) continue;
    for (const input of node.inputs) lossNeeds.add(input);
    if (node.outputs.some((o) => lossNeeds.has(o) && dependsOnWrt.has(o))) nodes.push(node);
  }
  return { dependsOnWrt, nodes: nodes.reverse() };
}
