import type { Node } from '@plugboard/core';
import type { OpRule } from './op-rule.ts';
import { BINARY_RULES } from './rules/binary-rules.ts';
import { GATHER_RULES } from './rules/gather-rules.ts';
import { LAYOUT_RULES } from './rules/layout-rules.ts';
import { MATMUL_RULES } from './rules/matmul-rules.ts';
import { MATMUL_NBITS_RULES } from './rules/matmul-nbits-rules.ts';
import { NON_DIFFERENTIABLE_RULES } from './rules/non-differentiable-rules.ts';
import { REDUCE_RULES } from './rules/reduce-rules.ts';
import { SELECT_RULES } from './rules/select-rules.ts';
import { SLICING_RULES } from './rules/slicing-rules.ts';
import { SOFTMAX_RULES } from './rules/softmax-rules.ts';
import { UNARY_RULES } from './rules/unary-rules.ts';

/**
 * THE table of ops autodiff knows, one entry per op (keyed by name in the
 * default ONNX domain, `domain.op` elsewhere):
 * shape inference plus a VJP rule, or `vjp: 'none'` where gradients stop.
 * The families live in rules/; adding an op means adding its entry there.
 */
export const OP_RULES: Readonly<Record<string, OpRule>> = Object.freeze({
  ...BINARY_RULES,
  ...UNARY_RULES,
  ...MATMUL_RULES,
  ...MATMUL_NBITS_RULES,
  ...REDUCE_RULES,
  ...SOFTMAX_RULES,
  ...LAYOUT_RULES,
  ...SLICING_RULES,
  ...GATHER_RULES,
  ...SELECT_RULES,
  ...NON_DIFFERENTIABLE_RULES,
});

/** A node's entry in OP_RULES, if autodiff knows its op. */
export function ruleOf(node: Pick<Node, 'op' | 'domain'>): OpRule | undefined {
  return OP_RULES[node.domain === '' ? node.op : `${node.domain}.${node.op}`];
}

/** The ops with a VJP rule (for docs and error messages). */
export function differentiableOps(): string[] {
  return Object.entries(OP_RULES)
    .filter(([, rule]) => rule.vjp !== 'none')
    .map(([op]) => op)
    .sort();
}
