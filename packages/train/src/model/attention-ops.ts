import { attr } from '@plugboard/core';
import type { GraphBuilder } from '@plugboard/core';
import { rmsNormOps } from './rms-norm-ops.ts';
import { applyRotaryOps } from './rotary-ops.ts';
import type { RotaryConstants } from './rotary-ops.ts';

export interface AttentionShape {
  batch: number;
  sequence: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
}

export interface AttentionConstants {
  rotary: RotaryConstants;
  /** additive mask, [B, 1, S, S] (or anything that broadcasts to the scores [B, H, S, S]) */
  mask: string;
  eps: number;
}

/** [N, heads·hd] → [B, heads, S, hd], with qwen3's per-head RMSNorm before the transpose when given. */
function toHeads(b: GraphBuilder, x: string, heads: number, shape: AttentionShape, norm: string | null, eps: number): string {
  const { batch, sequence, headDim } = shape;
  let split = b.op1('Reshape', [x, b.constant('int64', [batch, sequence, heads, headDim])]);
  if (norm !== null) split = rmsNormOps(b, split, norm, eps);
  return b.op1('Transpose', [split], { perm: attr.ints([0, 2, 1, 3]) });
}

/** [B, kvH, S, hd] → [B, H, S, hd]: kv head j serves query heads j·rep … j·rep+rep-1 (HF repeat_kv). */
function repeatKv(b: GraphBuilder, x: string, shape: AttentionShape): string {
  const { batch, sequence, numHeads, numKvHeads, headDim } = shape;
  const rep = numHeads / numKvHeads;
  if (rep === 1) return x;
  const widened = b.op1('Unsqueeze', [x, b.constant('int64', [2])]);
  const expanded = b.op1('Expand', [widened, b.constant('int64', [batch, numKvHeads, rep, sequence, headDim])]);
  return b.op1('Reshape', [expanded, b.constant('int64', [batch, numHeads, sequence, headDim])]);
}

/**
 * Causal grouped-query attention from plain ops, for q [N, H·hd] and k, v
 * [N, kvH·hd] with N = B·S; returns the context [N, H·hd].
 */
export function causalAttentionOps(
  b: GraphBuilder,
  projections: { q: string; k: string; v: string; qNorm: string | null; kNorm: string | null },
  shape: AttentionShape,
  constants: AttentionConstants,
): string {
  const { batch, sequence, numHeads, numKvHeads, headDim } = shape;
  const q = applyRotaryOps(b, toHeads(b, projections.q, numHeads, shape, projections.qNorm, constants.eps), constants.rotary);
  const k = applyRotaryOps(b, toHeads(b, projections.k, numKvHeads, shape, projections.kNorm, constants.eps), constants.rotary);
  const v = toHeads(b, projections.v, numKvHeads, shape, null, constants.eps);
  const keysT = b.op1('Transpose', [repeatKv(b, k, shape)], { perm: attr.ints([0, 1, 3, 2]) });
  const scores = b.op1('Mul', [b.op1('MatMul', [q, keysT]), b.constant('float32', [1 / Math.sqrt(headDim)], [])]);
  const weights = b.op1('Softmax', [b.op1('Add', [scores, constants.mask])], { axis: attr.int(-1) });
  const context = b.op1('MatMul', [weights, repeatKv(b, v, shape)]);
  const merged = b.op1('Transpose', [context], { perm: attr.ints([0, 2, 1, 3]) });
  return b.op1('Reshape', [merged, b.constant('int64', [batch * sequence, numHeads * headDim])]);
}
