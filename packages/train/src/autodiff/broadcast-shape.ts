import type { Dim } from '@plugboard/core';

/**
 * The multidirectional (numpy) broadcast of some shapes. Two different
 * symbols cannot be resolved statically, so they give a fresh unknown dim.
 */
export function broadcastShapes(shapes: (Dim[] | undefined)[], unknownDim: () => string): Dim[] | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const known = shapes as Dim[][];
  const rank = Math.max(0, ...known.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const dims = known.map((s) => s[s.length - rank + i]).filter((d): d is Dim => d !== undefined && d !== 1);
    out.push(broadcastDim(dims, unknownDim));
  }
  return out;
}

function broadcastDim(dims: Dim[], unknownDim: () => string): Dim {
  if (dims.length === 0) return 1;
  const numbers = dims.filter((d): d is number => typeof d === 'number');
  // a concrete size wins over a symbol: a valid graph can only broadcast the symbol to it
  if (numbers.length > 0) return numbers[0] as number;
  return dims.every((d) => d === dims[0]) ? (dims[0] as Dim) : unknownDim();
}

/** Whether every dim is a concrete number. */
export function isStatic(shape: Dim[] | undefined): shape is number[] {
  return shape !== undefined && shape.every((d) => typeof d === 'number');
}

/** A possibly negative axis as an index in [0, rank). */
export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
