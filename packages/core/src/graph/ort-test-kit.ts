/**
 * Test-only helpers for running small IR graphs in onnxruntime: not part of
 * the package's public surface.
 */
import * as ort from 'onnxruntime-node';
import type { Graph } from './ir.ts';
import { createSession, runSession } from './ort-session.ts';
import { serializeToBytes } from './serialize-onnx.ts';

export type Feeds = Record<string, ort.Tensor>;

export const f32 = (data: ArrayLike<number>, dims: number[]): ort.Tensor => new ort.Tensor('float32', Float32Array.from(data), dims);
export const i32 = (data: ArrayLike<number>, dims: number[]): ort.Tensor => new ort.Tensor('int32', Int32Array.from(data), dims);
export const i64 = (data: ArrayLike<number>, dims: number[]): ort.Tensor =>
  new ort.Tensor('int64', BigInt64Array.from(Array.from(data, (v) => BigInt(v))), dims);

/** Serializes the graph inline, runs it once, returns every output's float data by name. */
export async function runGraph(graph: Graph, feeds: Feeds): Promise<Record<string, Float32Array>> {
  const session = await createSession(serializeToBytes(graph));
  return floatOutputs(await runSession(session, feeds));
}

export function floatOutputs(outputs: ort.InferenceSession.ReturnType): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(outputs).map(([name, value]) => [name, (value as ort.Tensor).data as Float32Array]));
}

/** max |a - b| / max |b|: a tolerance that ignores which single elements happen to be near zero. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs((actual[i] as number) - (expected[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return actual.length === expected.length ? diff / scale : Number.POSITIVE_INFINITY;
}
