/**
 * Test-only: checks autodiff gradients against central finite differences,
 * both computed by running graphs in onnxruntime. Not part of the package's
 * public surface.
 */
import { createRequire } from 'node:module';
import { GraphBuilder, SeededRandom, attr, deriveSeed, createSession, runSession, serializeToBytes } from '@plugboard/core';
import type { Graph } from '@plugboard/core';
// the core test kit's tolerance measure (test-only, so imported by path)
import { relativeError } from '../../../core/src/graph/ort-test-kit.ts';
import { differentiate, gradientName } from './differentiate.ts';
import { GraphFacts } from './graph-facts.ts';
import { floatBytes } from './typed-bytes.ts';

export type OrtTensor = Awaited<ReturnType<typeof runSession>>[string];
export type FloatDType = 'float32' | 'float64';

interface TensorConstructor {
  new (type: 'float32', data: Float32Array, dims: readonly number[]): OrtTensor;
  new (type: 'float64', data: Float64Array, dims: readonly number[]): OrtTensor;
  new (type: 'int64', data: BigInt64Array, dims: readonly number[]): OrtTensor;
}

// onnxruntime-node is core's dependency: load its Tensor class the way core resolves it
const { Tensor } = createRequire(import.meta.resolve('@plugboard/core'))('onnxruntime-node') as { Tensor: TensorConstructor };

export function floatTensor(dtype: FloatDType, values: ArrayLike<number>, dims: number[]): OrtTensor {
  return dtype === 'float64' ? new Tensor('float64', Float64Array.from(values), dims) : new Tensor('float32', Float32Array.from(values), dims);
}

export function int64Tensor(values: number[], dims: number[]): OrtTensor {
  return new Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);
}

/** Finite-difference step and accepted relative error (max |Δ| / max |expected|) per dtype. */
export const TOLERANCE: Record<FloatDType, { eps: number; relative: number }> = {
  float64: { eps: 1e-5, relative: 1e-6 },
  float32: { eps: 1e-2, relative: 1e-2 },
};

let constantCount = 0;

/** A float constant of the test's dtype inside a test graph. */
export function floatConstant(b: GraphBuilder, dtype: FloatDType, values: number[], dims: number[]): string {
  return b.initializer(`test_const_${constantCount++}`, dtype, dims, floatBytes(dtype, values));
}

export function int64Constant(b: GraphBuilder, values: number[], dims: number[] = [values.length]): string {
  return b.constant('int64', values, dims);
}

export interface InputSpec {
  shape: number[];
  /** values in ±[0.2, 1.2] by default; 'positive' keeps them in [0.5, 1.5] (Log, Sqrt, Pow) */
  range?: 'signed' | 'positive';
  /** fixed values instead of random ones */
  values?: number[];
}

export interface OpCase {
  dtype: FloatDType;
  /** float graph inputs, all differentiated */
  inputs: Record<string, InputSpec>;
  /** builds the op(s) under test from the named inputs; returns the value the loss weighs */
  build: (b: GraphBuilder, x: Record<string, string>, dtype: FloatDType) => string;
  seed?: number;
}

function randomValues(random: SeededRandom, spec: InputSpec): number[] {
  if (spec.values !== undefined) return spec.values;
  const count = spec.shape.reduce((p, d) => p * d, 1);
  return Array.from({ length: count }, () => {
    const magnitude = 0.2 + random.next();
    if (spec.range === 'positive') return magnitude + 0.3 - 0.2 * random.next();
    // kept away from 0, so kinks (Relu, Max) sit outside the finite-difference step
    return random.next() < 0.5 ? -magnitude : magnitude;
  });
}

/** loss = ReduceSum(op(inputs) · R) for a fixed random R: every output element gets its own weight. */
export function opCaseGraph(c: OpCase): { graph: Graph; feeds: Record<string, OrtTensor> } {
  const random = new SeededRandom(c.seed ?? 7);
  const addInputs = (b: GraphBuilder): Record<string, string> =>
    Object.fromEntries(Object.entries(c.inputs).map(([name, spec]) => [name, b.input(name, c.dtype, spec.shape)]));
  const probe = new GraphBuilder('probe');
  const probed = c.build(probe, addInputs(probe), c.dtype);
  probe.output(probed, c.dtype, []);
  const shape = new GraphFacts(probe.build()).shape(probed);
  if (shape === undefined || !shape.every((d): d is number => typeof d === 'number')) throw new Error(`test op output has no static shape: ${String(shape)}`);

  const b = new GraphBuilder('op-case');
  const y = c.build(b, addInputs(b), c.dtype);
  const weights = floatConstant(b, c.dtype, randomValues(random, { shape }), shape);
  b.op1('ReduceSum', [b.op1('Mul', [y, weights])], { keepdims: attr.int(0) }, { output: 'loss' });
  b.output('loss', c.dtype, []);
  const feeds = Object.fromEntries(
    Object.entries(c.inputs).map(([name, spec]) => [name, floatTensor(c.dtype, randomValues(random, spec), spec.shape)]),
  );
  return { graph: b.build(), feeds };
}

export interface GradientComparison {
  analytic: Float64Array;
  numeric: Float64Array;
  relativeError: number;
}

export interface FiniteDifferenceOptions {
  eps?: number;
  /** check only this many seeded-random entries per tensor (all when omitted): large graphs cost 2 forward runs per entry */
  samplesPerTensor?: number;
  seed?: number;
  /** the entries to check of some tensors (e.g. only the embedding rows a batch uses), overriding the sample */
  entries?: Record<string, number[]>;
}

/** The entries of a tensor of `size` that a check compares: all, or a seeded sample without repeats. */
function checkedIndices(size: number, name: string, options: FiniteDifferenceOptions): number[] {
  const chosen = options.entries?.[name];
  if (chosen !== undefined) return chosen;
  const all = Array.from({ length: size }, (_, i) => i);
  const count = options.samplesPerTensor;
  if (count === undefined || count >= size) return all;
  const random = new SeededRandom(deriveSeed(options.seed ?? 1, name));
  for (let i = 0; i < count; i++) {
    const j = i + random.nextInt(size - i);
    [all[i], all[j]] = [all[j] as number, all[i] as number];
  }
  return all.slice(0, count).sort((a, b) => a - b);
}

/**
 * Runs forward+backward once, then central differences of the loss for
 * every checked element of every wrt input (2 forward runs each). `analytic`
 * and `numeric` hold the checked entries only, in index order.
 */
export async function compareWithFiniteDifferences(
  graph: Graph,
  feeds: Record<string, OrtTensor>,
  wrt: string[],
  dtype: FloatDType,
  options: FiniteDifferenceOptions = {},
): Promise<Record<string, GradientComparison>> {
  const eps = options.eps ?? TOLERANCE[dtype].eps;
  // ORT's extended fusions (x·Sigmoid(x) → com.microsoft.QuickGelu) have float32 kernels only
  const sessionOptions = dtype === 'float64' ? { graphOptimizationLevel: 'basic' as const } : {};
  const backward = await createSession(serializeToBytes(differentiate(graph, { loss: 'loss', wrt })), sessionOptions);
  const analytic = await runSession(backward, feeds);
  const forward = await createSession(serializeToBytes(graph), sessionOptions);
  const lossAt = async (name: string, index: number, delta: number): Promise<number> => {
    const base = feeds[name] as OrtTensor;
    const data = Float64Array.from(base.data as Float64Array | Float32Array);
    data[index] = (data[index] as number) + delta;
    const out = await runSession(forward, { ...feeds, [name]: floatTensor(dtype, data, [...base.dims]) }, ['loss']);
    return Number((out.loss as OrtTensor).data[0]);
  };
  const result: Record<string, GradientComparison> = {};
  for (const name of wrt) {
    const indices = checkedIndices((feeds[name] as OrtTensor).size, name, options);
    const numeric = new Float64Array(indices.length);
    for (const [k, i] of indices.entries()) numeric[k] = ((await lossAt(name, i, eps)) - (await lossAt(name, i, -eps))) / (2 * eps);
    const full = (analytic[gradientName(name)] as OrtTensor).data as Float64Array | Float32Array;
    const got = Float64Array.from(indices, (i) => full[i] as number);
    result[name] = { analytic: got, numeric, relativeError: relativeError(got, numeric) };
  }
  await backward.release();
  await forward.release();
  return result;
}

/** Checks one op case: every input's gradient against central differences. */
export async function opCaseErrors(c: OpCase): Promise<Record<string, number>> {
  const { graph, feeds } = opCaseGraph(c);
  const compared = await compareWithFiniteDifferences(graph, feeds, Object.keys(c.inputs), c.dtype);
  return Object.fromEntries(Object.entries(compared).map(([name, r]) => [name, r.relativeError]));
}
