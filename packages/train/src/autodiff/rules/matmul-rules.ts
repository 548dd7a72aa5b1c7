import { PlugboardError, attr } from '@plugboard/core';
import type { Dim } from '@plugboard/core';
import { broadcastShapes } from '../broadcast-shape.ts';
import type { GradEmitter } from '../grad-emitter.ts';
import type { InferContext, OpRule, ValueFacts, VjpContext } from '../op-rule.ts';
import { floatAttr, intAttr } from './infer-helpers.ts';

/** numpy matmul shapes: 1-D operands are promoted to matrices, then dropped from the result. */
function inferMatMul({ node, facts, unknownDim }: InferContext): ValueFacts[] {
  const [a, b] = node.inputs as [string, string];
  const sa = facts.shape(a);
  const sb = facts.shape(b);
  const dtype = facts.dtype(a);
  if (sa === undefined || sb === undefined || sa.length === 0 || sb.length === 0) return [{ dtype, shape: undefined }];
  const pa = sa.length === 1 ? [1, sa[0] as Dim] : sa;
  const pb = sb.length === 1 ? [sb[0] as Dim, 1] : sb;
  const batch = broadcastShapes([pa.slice(0, -2), pb.slice(0, -2)], unknownDim) ?? [];
  const rows = sa.length === 1 ? [] : [pa[pa.length - 2] as Dim];
  const cols = sb.length === 1 ? [] : [pb[pb.length - 1] as Dim];
  return [{ dtype, shape: [...batch, ...rows, ...cols] }];
}

function rankOrThrow(ctx: VjpContext, value: string): number {
  const rank = ctx.e.rankOf(value);
  if (rank === undefined || rank === 0) {
    throw new PlugboardError('GRAPH_INVALID', `cannot differentiate ${ctx.node.op} node "${ctx.node.name}": the rank of "${value}" is unknown; give the graph inputs shapes`);
  }
  return rank;
}

/** [..., k] → [N, k] for the weight-gradient shortcut; `lastDimOf` is a forward value with the same last dim. */
function flattenRows(e: GradEmitter, value: string, lastDimOf: string): string {
  return e.op('Reshape', [value, e.op('Concat', [e.ints([-1]), e.dimOf(lastDimOf, -1)], { axis: attr.int(0) })]);
}

/** The output shape after MatMul's promotion of 1-D operands (the gradient is unsqueezed to it). */
function promotedOutputShape(y: Dim[] | undefined, ra: number, rb: number): Dim[] | undefined {
  if (y === undefined) return undefined;
  if (ra === 1 && rb === 1) return [1, 1];
  if (ra === 1) return [...y.slice(0, -1), 1, y[y.length - 1] as Dim];
  if (rb === 1) return [...y, 1];
  return y;
}

/**
 * y = A·B with batch broadcasting: dA = g·Bᵀ and dB = Aᵀ·g, each summed
 * over the batch axes it was broadcast along. An N-D × 2-D product (a
 * weight) takes its dB as one 2-D product over the flattened rows.
 */
function vjpMatMul(ctx: VjpContext): (string | undefined)[] {
  const { e, node, facts } = ctx;
  const [a, b] = node.inputs as [string, string];
  const ra = rankOrThrow(ctx, a);
  const rb = rankOrThrow(ctx, b);
  // promote 1-D operands (and the gradient) to matrices, as MatMul does
  const pa = ra === 1 ? e.op('Unsqueeze', [a, e.ints([0])]) : a;
  const pb = rb === 1 ? e.op('Unsqueeze', [b, e.ints([1])]) : b;
  const gAxes = ra === 1 && rb === 1 ? [0, 1] : ra === 1 ? [-2] : rb === 1 ? [-1] : [];
  const g = gAxes.length === 0 ? ctx.grad() : e.op('Unsqueeze', [ctx.grad(), e.ints(gAxes)]);
  const y = promotedOutputShape(facts.shape(node.outputs[0] as string), ra, rb);
  const aShape = facts.shape(a);
  const bShape = facts.shape(b);

  let da: string | undefined;
  if (ctx.needs(0)) {
    const full = e.op('MatMul', [g, e.transposeLast2(pb, Math.max(rb, 2))]);
    const fullShape = y === undefined || aShape === undefined ? undefined : [...y.slice(0, -1), aShape[aShape.length - 1] as Dim];
    da = e.sumToShape(full, fullShape, a);
  }
  let db: string | undefined;
  if (ctx.needs(1)) {
    if (rb === 2 && ra >= 3) {
      db = e.op('MatMul', [e.op('Transpose', [flattenRows(e, a, a)], { perm: attr.ints([1, 0]) }), flattenRows(e, g, b)]);
    } else {
      const product = e.op('MatMul', [e.transposeLast2(pa, Math.max(ra, 2)), g]);
      // a 1-D B was promoted to [k, 1]: drop that column before summing to [k]
      const full = rb === 1 ? e.op('Squeeze', [product, e.ints([-1])]) : product;
      const fullShape = y === undefined || bShape === undefined ? undefined : [...y.slice(0, -2), ...bShape.slice(-2)];
      db = e.sumToShape(full, fullShape, b);
    }
  }
  return [da, db];
}

function inferGemm(ctx: InferContext): ValueFacts[] {
  const [a, b] = ctx.node.inputs as [string, string];
  const sa = ctx.facts.shape(a);
  const sb = ctx.facts.shape(b);
  const dtype = ctx.facts.dtype(a);
  if (sa === undefined || sb === undefined) return [{ dtype, shape: undefined }];
  const m = intAttr(ctx, 'transA', 0) === 1 ? sa[1] : sa[0];
  const n = intAttr(ctx, 'transB', 0) === 1 ? sb[0] : sb[1];
  return [{ dtype, shape: [m as Dim, n as Dim] }];
}

/**
 * Y = alpha·A'·B' + beta·C with A' = transA ? Aᵀ : A (same for B). Each
 * gradient is one Gemm again, with the transposes folded into its flags.
 */
function vjpGemm(ctx: VjpContext): (string | undefined)[] {
  const { e, node, facts } = ctx;
  const [a, b, c] = node.inputs as [string, string, string | undefined];
  const alpha = floatAttr(ctx, 'alpha', 1);
  const beta = floatAttr(ctx, 'beta', 1);
  const transA = intAttr(ctx, 'transA', 0);
  const transB = intAttr(ctx, 'transB', 0);
  const g = ctx.grad();
  const gemm = (x: string, y: string, tx: number, ty: number): string =>
    e.op('Gemm', [x, y], { alpha: attr.float(alpha), transA: attr.int(tx), transB: attr.int(ty) });
  const da = !ctx.needs(0) ? undefined : transA === 0 ? gemm(g, b, 0, 1 - transB) : gemm(b, g, transB, 1);
  const db = !ctx.needs(1) ? undefined : transB === 0 ? gemm(a, g, 1 - transA, 0) : gemm(g, a, 1, transA);
  let dc: string | undefined;
  if (c !== undefined && c !== '' && ctx.needs(2)) {
    const summed = e.sumToShape(g, facts.shape(node.outputs[0] as string), c);
    dc = beta === 1 ? summed : e.op('Mul', [summed, e.scalarLike(c, beta)]);
  }
  return [da, db, dc];
}

export const MATMUL_RULES: Record<string, OpRule> = {
  MatMul: { infer: inferMatMul, vjp: vjpMatMul },
  Gemm: { infer: inferGemm, vjp: vjpGemm },
};
