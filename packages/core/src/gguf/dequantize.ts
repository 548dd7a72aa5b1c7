import { bfloat16BitsToFloat32, float16BitsToFloat32 } from '../hf/half-precision.ts';
import type { SupportedGgmlTypeName } from './ggml-types.ts';

const f16 = new Uint16Array(1);
const f32 = new Float32Array(1);
/** One float16 scale (the `d` of a ggml block) as a number. */
function halfAt(view: DataView, at: number): number {
  f16[0] = view.getUint16(at, true);
  return float16BitsToFloat32(f16, f32)[0]!;
}

/** Q8_0 blocks (f16 d, int8 q[32]) → d·q. */
function dequantizeQ8_0(bytes: Uint8Array, count: number): Float32Array {
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let block = 0, at = 0; block < count / 32; block++, at += 34) {
    const d = halfAt(view, at);
    for (let j = 0; j < 32; j++) out[block * 32 + j] = d * view.getInt8(at + 2 + j);
  }
  return out;
}

/** Q4_0 blocks (f16 d, u8 qs[16]): value j is d·((qs[j] & 15) − 8), value j+16 is d·((qs[j] >> 4) − 8). */
function dequantizeQ4_0(bytes: Uint8Array, count: number): Float32Array {
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let block = 0, at = 0; block < count / 32; block++, at += 18) {
    const d = halfAt(view, at);
    const base = block * 32;
    for (let j = 0; j < 16; j++) {
      const q = bytes[at + 2 + j]!;
      out[base + j] = d * ((q & 0x0f) - 8);
      out[base + j + 16] = d * ((q >> 4) - 8);
    }
  }
  return out;
}

/** The bytes' buffer when they sit where a typed array of `width`-byte items can view them, else a copy's. */
function alignedBuffer(bytes: Uint8Array, width: number): { buffer: ArrayBufferLike; offset: number } {
  if (bytes.byteOffset % width === 0) return { buffer: bytes.buffer, offset: bytes.byteOffset };
  return { buffer: bytes.slice().buffer, offset: 0 };
}

/** A GGUF tensor's stored bytes as float32 values. */
export function dequantize(bytes: Uint8Array, type: SupportedGgmlTypeName, count: number): Float32Array {
  switch (type) {
    case 'F32': {
      const { buffer, offset } = alignedBuffer(bytes, 4);
      return new Float32Array(buffer, offset, count);
    }
    case 'F16':
    case 'BF16': {
      const { buffer, offset } = alignedBuffer(bytes, 2);
      const bits = new Uint16Array(buffer, offset, count);
      return type === 'F16' ? float16BitsToFloat32(bits) : bfloat16BitsToFloat32(bits);
    }
    case 'Q8_0':
      return dequantizeQ8_0(bytes, count);
    case 'Q4_0':
      return dequantizeQ4_0(bytes, count);
  }
}
