import { GraphBuilder, PlugboardError } from '@plugboard/core';
import type { Graph, Node } from '@plugboard/core';
import { z } from 'zod';
import { GradEmitter } from './grad-emitter.ts';
import { GradientAccumulator } from './gradient-accumulator.ts';
import { findGradientPath } from './gradient-path.ts';
import { GraphFacts } from './graph-facts.ts';
import type { VjpContext, VjpRule } from './op-rule.ts';
import { differentiableOps, ruleOf } from './op-rules.ts';

export const DifferentiateOptionsSchema = z.object({
  /** a scalar float value produced by the graph */
  loss: z.string().min(1),
  /** names of graph inputs or initializers to differentiate */
  wrt: z.array(z.string().min(1)).min(1),
  /** keep the forward graph's outputs (default true) */
  keepOutputs: z.boolean().optional(),
});
export type DifferentiateOptions = z.infer<typeof DifferentiateOptionsSchema>;

/** The output name that holds the gradient of a `wrt` value. */
export function gradientName(wrt: string): string {
  return `grad.${wrt}`;
}

/**
 * Returns a new Graph = forward + backward, with extra outputs
 * `grad.<name>` for each wrt name (same shape and dtype as it). Only the
 * nodes on a path wrt → loss get VJPs, and only towards inputs that lead to
 * a wrt value, so frozen weights cost no gradient ops. Shapes the backward
 * ops need (un-broadcasting, reshaping back) are constants where shape
 * inference knows them and are read with Shape at run time where dims are
 * symbolic, so static training graphs get static backward graphs.
 */
export function differentiate(graph: Graph, options: DifferentiateOptions): Graph {
  const parsed = DifferentiateOptionsSchema.safeParse(options);
  if (!parsed.success) throw new PlugboardError('INVALID_ARGUMENT', `invalid differentiate options: ${z.prettifyError(parsed.error)}`);
  const { loss, wrt, keepOutputs = true } = parsed.data;
  const facts = new GraphFacts(graph);
  if (!facts.has(loss)) throw new PlugboardError('INVALID_ARGUMENT', `loss "${loss}" is not a value of graph "${graph.name}"; name a value the graph produces`);
  const wrtInfo = checkWrt(graph, wrt);
  const path = findGradientPath(graph, facts, loss, wrt);
  const rules = path.nodes.map((node) => [node, vjpRuleOf(node)] as const);
  const seedShape = checkLoss(facts, loss);

  const b = forwardBuilder(graph, keepOutputs);
  const e = new GradEmitter(b, facts);
  const grads = new GradientAccumulator(e);
  grads.add(loss, e.floats(e.dtypeOf(loss), [1], seedShape));
  for (let n = rules.length - 1; n >= 0; n--) {
    const [node, rule] = rules[n] as [Node, VjpRule];
    e.scope(`grad/${node.name}`, () => {
      const ctx: VjpContext = {
        node,
        e,
        facts,
        needs: (i) => node.inputs[i] !== undefined && node.inputs[i] !== '' && path.dependsOnWrt.has(node.inputs[i] as string),
        grad: (i = 0) => grads.take(node.outputs[i] as string) ?? e.zerosLike(node.outputs[i] as string),
      };
      rule(ctx).forEach((grad, i) => {
        if (grad !== undefined && ctx.needs(i)) grads.add(node.inputs[i] as string, grad);
      });
    });
  }
  for (const info of wrtInfo) {
    const name = gradientName(info.name);
    const grad = e.scope('grad', () => grads.take(info.name) ?? e.zerosLike(info.name));
    b.op1('Identity', [grad], {}, { output: name, name: `grad/${info.name}/Identity` });
    b.output(name, info.dtype, info.shape);
  }
  return b.build();
}

function vjpRuleOf(node: Node): VjpRule {
  const rule = ruleOf(node);
  if (rule === undefined || rule.vjp === 'none') {
    const op = node.domain === '' ? node.op : `${node.domain}.${node.op}`;
    throw new PlugboardError(
      'GRAPH_INVALID',
      `cannot differentiate op ${op} (node "${node.name}"): it lies between a wrt value and the loss but has no VJP rule; build the graph from differentiable ops (${differentiableOps().join(', ')})`,
    );
  }
  return rule.vjp;
}

/** The loss must be a float value of one element; returns its shape (the seed's). */
function checkLoss(facts: GraphFacts, loss: string): number[] {
  const dtype = facts.dtype(loss);
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new PlugboardError('INVALID_ARGUMENT', `loss "${loss}" is ${dtype ?? 'of unknown dtype'}; it must be a float32 or float64 scalar`);
  }
  const shape = facts.shape(loss);
  if (shape === undefined || !shape.every((d) => d === 1)) {
    throw new PlugboardError('INVALID_ARGUMENT', `loss "${loss}" has shape [${shape?.join(', ') ?? '?'}]; it must be a scalar (reduce it, e.g. ReduceMean with keepdims=0)`);
  }
  return shape as number[];
}

function checkWrt(graph: Graph, wrt: string[]): { name: string; dtype: 'float32' | 'float64'; shape: Graph['inputs'][number]['shape'] }[] {
  if (new Set(wrt).size !== wrt.length) throw new PlugboardError('INVALID_ARGUMENT', `wrt names a value twice: [${wrt.join(', ')}]`);
  return wrt.map((name) => {
    const input = graph.inputs.find((i) => i.name === name);
    const init = graph.initializers.find((i) => i.name === name);
    const dtype = input?.dtype ?? init?.dtype;
    const shape = input?.shape ?? init?.dims;
    if (dtype === undefined || shape === undefined) {
      throw new PlugboardError('INVALID_ARGUMENT', `wrt "${name}" is not a graph input or initializer of "${graph.name}"; only parameters can be differentiated`);
    }
    if (dtype !== 'float32' && dtype !== 'float64') throw new PlugboardError('INVALID_ARGUMENT', `wrt "${name}" is ${dtype}; only float32/float64 values have gradients`);
    return { name, dtype, shape };
  });
}

/** A builder that already holds the forward graph (so backward ops can read its values). */
function forwardBuilder(graph: Graph, keepOutputs: boolean): GraphBuilder {
  const b = new GraphBuilder(graph.name);
  for (const input of graph.inputs) b.input(input.name, input.dtype, input.shape);
  for (const init of graph.initializers) b.initializer(init.name, init.dtype, init.dims, init.data);
  for (const node of graph.nodes) b.op(node.op, node.inputs, node.attributes, { domain: node.domain, name: node.name, outputs: node.outputs });
  if (keepOutputs) for (const output of graph.outputs) b.output(output.name, output.dtype, output.shape);
  return b;
}
