import type { GraphBuilder } from '../graph/graph-builder.ts';
import { attr, bytesOf } from '../graph/ir.ts';
import type { WeightSource } from '../hf/weight-source.ts';
import type { Quantization } from './build-options.ts';
import { packMatMulNBits } from '../quant/matmul-nbits.ts';
import { transpose } from '../tensor/transpose.ts';

/** Row-stacks HF Linear weights [out_i, in] into one [Σ out_i, in] matrix. */
function stackedRows(weights: WeightSource, names: readonly string[]): Float32Array {
  if (names.length === 1) return weights.float32(names[0] as string);
  const parts = names.map((name) => weights.float32(name));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * y = x · [W₁; W₂; …]ᵀ for HF Linear weights W_i [out_i, in] sharing an input:
 * one MatMul over the transposed, row-stacked weights (or MatMulNBits over
 * the quantized ones), its outputs side by side on the last axis. Weight
 * bytes are produced lazily so the serializer streams them one tensor at a time.
 */
export function fusedProjection(
  b: GraphBuilder,
  x: string,
  weights: WeightSource,
  weightNames: readonly string[],
  quantization: Quantization | null,
): string {
  const outFeatures = outFeaturesOf(weights, weightNames).reduce((a, c) => a + c, 0);
  const inFeatures = (weights.info(weightNames[0] as string).shape as [number, number])[1];
  const name = weightNames.join('+');
  const rows = () => stackedRows(weights, weightNames);
  return quantization === null ? denseMatMul(b, x, name, inFeatures, outFeatures, rows) : quantizedMatMul(b, x, name, inFeatures, outFeatures, rows, quantization);
}

/**
 * One output per weight: the fused projection split back apart (q/k/v when
 * something must act on them one by one). One matmul instead of three saves
 * launches in decode; the Split costs a copy of the outputs.
 */
export function projection(
  b: GraphBuilder,
  x: string,
  weights: WeightSource,
  weightNames: readonly string[],
  quantization: Quantization | null,
): string[] {
  const y = fusedProjection(b, x, weights, weightNames, quantization);
  if (weightNames.length === 1) return [y];
  return b.op('Split', [y, b.constant('int64', outFeaturesOf(weights, weightNames))], { axis: attr.int(-1) }, { outputs: weightNames.length });
}

function outFeaturesOf(weights: WeightSource, weightNames: readonly string[]): number[] {
  return weightNames.map((name) => (weights.info(name).shape as [number, number])[0]);
}

function denseMatMul(b: GraphBuilder, x: string, name: string, inFeatures: number, outFeatures: number, rows: () => Float32Array): string {
  const w = b.initializer(name, 'float32', [inFeatures, outFeatures], () => bytesOf(transpose(rows(), outFeatures, inFeatures)));
  return b.op1('MatMul', [x, w]);
}

function quantizedMatMul(
  b: GraphBuilder,
  x: string,
  name: string,
  inFeatures: number,
  outFeatures: number,
  rows: () => Float32Array,
  quantization: Quantization,
): string {
  let packed: ReturnType<typeof packMatMulNBits> | undefined;
  // the two initializers share one quantization pass; the first one read triggers it
  const pack = () => (packed ??= packMatMulNBits(rows(), outFeatures, inFeatures, quantization));
  const nBlocks = Math.ceil(inFeatures / quantization.blockSize);
  const blobSize = (quantization.blockSize * quantization.bits) / 8;
  const qb = b.initializer(`${name}.q`, 'uint8', [outFeatures, nBlocks, blobSize], () => pack().b);
  const scales = b.initializer(`${name}.scales`, 'float32', [outFeatures * nBlocks], () => {
    const s = bytesOf(pack().scales);
    packed = undefined; // scales are read last: drop the packed copy
    return s;
  });
  const attributes = {
    K: attr.int(inFeatures),
    N: attr.int(outFeatures),
    bits: attr.int(quantization.bits),
    block_size: attr.int(quantization.blockSize),
    accuracy_level: attr.int(quantization.accuracyLevel),
  };
  return b.op1('MatMulNBits', [x, qb, scales], attributes, { domain: 'com.microsoft' });
}
