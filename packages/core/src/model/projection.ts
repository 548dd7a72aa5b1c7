import type { GraphBuilder } from '../graph/graph-builder.ts';
import { attr, bytesOf } from '../graph/ir.ts';
import type { WeightSource } from '../hf/weight-source.ts';
import type { Quantization } from './build-options.ts';
import { packMatMulNBits } from '../quant/matmul-nbits.ts';

/** Transposes a row-major [rows, cols] matrix to [cols, rows]. */
export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  const tile = 32;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    for (let c0 = 0; c0 < cols; c0 += tile) {
      const rEnd = Math.min(r0 + tile, rows);
      const cEnd = Math.min(c0 + tile, cols);
      for (let r = r0; r < rEnd; r++) {
        for (let c = c0; c < cEnd; c++) out[c * rows + r] = data[r * cols + c] as number;
      }
    }
  }
  return out;
}

/**
 * y = x · Wᵀ for a HF Linear weight W [out, in]: a MatMul over the transposed
 * weight, or MatMulNBits over the quantized one. Weight bytes are produced
 * lazily so the serializer streams them one tensor at a time.
 */
export function projection(
  b: GraphBuilder,
  x: string,
  weights: WeightSource,
  weightName: string,
  quantization: Quantization | null,
): string {
  const [outFeatures, inFeatures] = weights.info(weightName).shape as [number, number];
  if (quantization === null) {
    const w = b.initializer(weightName, 'float32', [inFeatures, outFeatures], () =>
      bytesOf(transpose(weights.float32(weightName), outFeatures, inFeatures)),
    );
    return b.op1('MatMul', [x, w]);
  }
  let packed: ReturnType<typeof packMatMulNBits> | undefined;
  // the three initializers share one quantization pass; the first one read triggers it
  const pack = () => (packed ??= packMatMulNBits(weights.float32(weightName), outFeatures, inFeatures, quantization));
  const nBlocks = Math.ceil(inFeatures / quantization.blockSize);
  const blobSize = (quantization.blockSize * quantization.bits) / 8;
  const qb = b.initializer(`${weightName}.q`, 'uint8', [outFeatures, nBlocks, blobSize], () => pack().b);
  const scales = b.initializer(`${weightName}.scales`, 'float32', [outFeatures * nBlocks], () => {
    const s = bytesOf(pack().scales);
    packed = undefined; // scales are read last: drop the packed copy
    return s;
  });
  return b.op1('MatMulNBits', [x, qb, scales], {
    K: attr.int(inFeatures),
    N: attr.int(outFeatures),
    bits: attr.int(quantization.bits),
    block_size: attr.int(quantization.blockSize),
    accuracy_level: attr.int(quantization.accuracyLevel),
  }, { domain: 'com.microsoft' });
}
