import { PlugboardError, attr, defaultZeroPoint } from '@plugboard/core';
import type { CodeBits, Dim } from '@plugboard/core';
import type { GradEmitter } from '../grad-emitter.ts';
import type { InferContext, OpRule, ValueFacts, VjpContext } from '../op-rule.ts';
import { intAttr } from './infer-helpers.ts';

/** com.microsoft MatMulNBits: Y [..., N] = A [..., K] · dequant(B)ᵀ. */
function inferMatMulNBits({ node, facts }: InferContext): ValueFacts[] {
  const a = node.inputs[0] as string;
  const shape = facts.shape(a);
  const n = intAttr({ node }, 'N', -1);
  return [{ dtype: facts.dtype(a), shape: shape === undefined || n < 0 ? undefined : [...shape.slice(0, -1), n as Dim] }];
}

/**
 * The float [N, K] weights MatMulNBits multiplies by, rebuilt in the graph
 * from its packed codes each backward run (a transient, never a parameter):
 * (code − midpoint) · scale per block, 4-bit codes low nibble first, as
 * core's packMatMulNBits lays them out.
 */
function dequantizedWeight(e: GradEmitter, codes: string, scales: string, bits: CodeBits, n: number, k: number, blockSize: number): string {
  const nBlocks = Math.ceil(k / blockSize);
  const bytes = e.op('Cast', [codes], { to: attr.int(1) });
  let values = bytes;
  if (bits === 4) {
    const sixteen = e.floats('float32', [16]);
    const high = e.op('Floor', [e.op('Div', [bytes, sixteen])]);
    const low = e.op('Sub', [bytes, e.op('Mul', [high, sixteen])]);
    const pairs = e.op('Concat', [e.op('Unsqueeze', [low, e.ints([-1])]), e.op('Unsqueeze', [high, e.ints([-1])])], { axis: attr.int(-1) });
    values = e.op('Reshape', [pairs, e.ints([n, nBlocks, blockSize])]);
  }
  const centered = e.op('Sub', [values, e.floats('float32', [defaultZeroPoint(bits)])]);
  const scaled = e.op('Mul', [centered, e.op('Reshape', [scales, e.ints([n, nBlocks, 1])])]);
  const padded = e.op('Reshape', [scaled, e.ints([n, nBlocks * blockSize])]);
  return nBlocks * blockSize === k ? padded : e.op('Slice', [padded, e.ints([0]), e.ints([k]), e.ints([1])]);
}

/** dA = g · dequant(B): the frozen quantized weights pass gradients to the input only. */
function vjpMatMulNBits(ctx: VjpContext): (string | undefined)[] {
  const { node, e } = ctx;
  const [, codes, scales, zeroPoints] = node.inputs as [string, string, string, string | undefined];
  if (zeroPoints !== undefined && zeroPoints !== '') {
    throw new PlugboardError('GRAPH_INVALID', `cannot differentiate MatMulNBits node "${node.name}" with zero points: train over symmetric quantization (core's default)`);
  }
  if (ctx.needs(1) || ctx.needs(2)) {
    throw new PlugboardError('INVALID_ARGUMENT', `MatMulNBits node "${node.name}" holds frozen quantized weights: they have no gradient; train adapters over them`);
  }
  const bits = intAttr(ctx, 'bits', 4);
  if (bits !== 4 && bits !== 8) throw new PlugboardError('GRAPH_INVALID', `MatMulNBits node "${node.name}" has bits=${bits}; only 4 and 8 are supported`);
  const weight = dequantizedWeight(e, codes, scales, bits, intAttr(ctx, 'N', 0), intAttr(ctx, 'K', 0), intAttr(ctx, 'block_size', 0));
  return [ctx.needs(0) ? e.op('MatMul', [ctx.grad(), weight]) : undefined];
}

/** Ops outside the default domain, keyed `domain.op`. */
export const MATMUL_NBITS_RULES: Record<string, OpRule> = {
  'com.microsoft.MatMulNBits': { infer: inferMatMulNBits, vjp: vjpMatMulNBits },
};
