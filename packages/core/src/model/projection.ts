import type { GraphBuilder } from '../graph/graph-builder.ts';
import { attr, bytesOf } from '../graph/ir.ts';
import type { WeightSource } from '../hf/weight-source.ts';
import type { InferenceBuildOptions, Quantization } from './build-options.ts';
import { packMatMulNBits } from '../quant/matmul-nbits.ts';
import type { PackedMatMulNBits } from '../quant/matmul-nbits.ts';
import { quantizePerChannelInt8 } from '../quant/per-channel-int8.ts';
import type { PerChannelInt8 } from '../quant/per-channel-int8.ts';
import { transpose } from '../tensor/transpose.ts';

/** The weights end to end: HF Linear weights [out_i, in] row-stacked into [Σ out_i, in], or bias vectors joined. */
export function concatenated(weights: WeightSource, names: readonly string[]): Float32Array {
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
 * The weights' row-stacked MatMulNBits blocks as the source already stores
 * them (see WeightSource.quantized), or undefined unless every part is
 * stored at the build's bits and block size — no mixing of taken-over and
 * requantized rows in one matmul.
 */
function storedQuantized(weights: WeightSource, names: readonly string[], { bits, blockSize }: Quantization): PackedMatMulNBits | undefined {
  const parts: PackedMatMulNBits[] = [];
  for (const name of names) {
    const part = weights.quantized?.(name, bits, blockSize);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  if (parts.length === 1) return parts[0];
  const b = new Uint8Array(parts.reduce((n, p) => n + p.b.length, 0));
  const scales = new Float32Array(parts.reduce((n, p) => n + p.scales.length, 0));
  let [bAt, scalesAt] = [0, 0];
  for (const part of parts) {
    b.set(part.b, bAt);
    scales.set(part.scales, scalesAt);
    [bAt, scalesAt] = [bAt + part.b.length, scalesAt + part.scales.length];
  }
  return { b, scales, K: parts[0]!.K, N: parts.reduce((n, p) => n + p.N, 0), bits, blockSize };
}

/** The build options that decide how a projection's weights are stored. */
export type ProjectionOptions = Pick<InferenceBuildOptions, 'quantization' | 'prepackWeights'>;

/**
 * y = x · [W₁; W₂; …]ᵀ for HF Linear weights W_i [out_i, in] sharing an input:
 * one matmul over the row-stacked weights (MatMulNBits over the quantized
 * ones), its outputs side by side on the last axis. Weight bytes are produced
 * lazily so the serializer streams them one tensor at a time.
 */
export function fusedProjection(
  b: GraphBuilder,
  x: string,
  weights: WeightSource,
  weightNames: readonly string[],
  options: ProjectionOptions,
): string {
  const outFeatures = outFeaturesOf(weights, weightNames).reduce((a, c) => a + c, 0);
  const inFeatures = (weights.info(weightNames[0] as string).shape as [number, number])[1];
  const weight: ProjectionWeight = {
    name: weightNames.join('+'),
    inFeatures,
    outFeatures,
    rows: () => concatenated(weights, weightNames),
    stored: (quantization) => storedQuantized(weights, weightNames, quantization),
  };
  const { quantization } = options;
  if (quantization?.bits === 8 && quantization.int8Kernel === 'dynamic') return dynamicInt8MatMul(b, x, weight);
  if (quantization !== null) return quantizedMatMul(b, x, weight, quantization);
  return options.prepackWeights ? prepackedMatMul(b, x, weight) : inPlaceMatMul(b, x, weight);
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
  options: ProjectionOptions,
): string[] {
  const y = fusedProjection(b, x, weights, weightNames, options);
  if (weightNames.length === 1) return [y];
  return b.op('Split', [y, b.constant('int64', outFeaturesOf(weights, weightNames))], { axis: attr.int(-1) }, { outputs: weightNames.length });
}

function outFeaturesOf(weights: WeightSource, weightNames: readonly string[]): number[] {
  return weightNames.map((name) => (weights.info(name).shape as [number, number])[0]);
}

/** A projection's weight: its initializer name, its shape, and its HF rows [out, in] made on demand. */
export interface ProjectionWeight {
  name: string;
  inFeatures: number;
  outFeatures: number;
  rows: () => Float32Array;
  /** the weights already quantized as the build asks, when the source stores them so (taken over instead of rows()) */
  stored?: (quantization: Quantization) => PackedMatMulNBits | undefined;
}

/** MatMul over the transposed weights, [in, out]: 2-D, so ORT prepacks it at load. */
function prepackedMatMul(b: GraphBuilder, x: string, { name, inFeatures, outFeatures, rows }: ProjectionWeight): string {
  const w = b.initializer(name, 'float32', [inFeatures, outFeatures], () => bytesOf(transpose(rows(), outFeatures, inFeatures)));
  return b.op1('MatMul', [x, w]);
}

/**
 * FusedMatMul (transB) over the weights as HF stores them, as [1, out, in]
 * (an initializer `name` already declared is reused): ORT prepacks only 2-D
 * constant matmul weights, so this one is read in place.
 */
export function inPlaceMatMul(b: GraphBuilder, x: string, { name, inFeatures, outFeatures, rows }: ProjectionWeight, output?: string): string {
  const w = b.has(name) ? name : b.initializer(name, 'float32', [1, outFeatures, inFeatures], () => bytesOf(rows()));
  return b.op1('FusedMatMul', [x, w], { transB: attr.int(1), alpha: attr.float(1) }, { domain: 'com.microsoft', output });
}

/** DynamicQuantizeMatMul over per-channel int8 weights [in, out] (2-D constants, so QGEMM packs them at load). */
function dynamicInt8MatMul(b: GraphBuilder, x: string, { name, inFeatures, outFeatures, rows }: ProjectionWeight): string {
  let packed: PerChannelInt8 | undefined;
  const pack = () => (packed ??= quantizePerChannelInt8(rows(), outFeatures, inFeatures));
  const qb = b.initializer(`${name}.q8`, 'int8', [inFeatures, outFeatures], () => pack().b);
  const scales = b.initializer(`${name}.scales`, 'float32', [outFeatures], () => {
    const s = bytesOf(pack().scales);
    packed = undefined; // scales are read last: drop the packed copy
    return s;
  });
  return b.op1('DynamicQuantizeMatMul', [x, qb, scales], {}, { domain: 'com.microsoft' });
}

function quantizedMatMul(b: GraphBuilder, x: string, { name, inFeatures, outFeatures, rows, stored }: ProjectionWeight, quantization: Quantization): string {
  let packed: PackedMatMulNBits | undefined;
  // the two initializers share one quantization pass (or take-over of stored blocks); the first one read triggers it
  const pack = () => (packed ??= stored?.(quantization) ?? packMatMulNBits(rows(), outFeatures, inFeatures, quantization));
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
