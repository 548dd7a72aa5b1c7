/**
 * float16 / bfloat16 <-> float32 conversions for safetensors data.
 * Encoding rounds to nearest, ties to even (what PyTorch's `.half()` and
 * `.bfloat16()` do), so a round trip through our writer matches PyTorch bit for bit.
 */

let f16Table: Float32Array | undefined;

/** Exact float32 value of every float16 bit pattern (subnormals, ±inf, NaN included). */
function float16Table(): Float32Array {
  if (f16Table) return f16Table;
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) table[h] = sign * mantissa * 2 ** -24;
    else if (exponent === 31) table[h] = mantissa === 0 ? sign * Infinity : NaN;
    else table[h] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  f16Table = table;
  return table;
}

export function float16BitsToFloat32(bits: Uint16Array, out: Float32Array = new Float32Array(bits.length)): Float32Array {
  const table = float16Table();
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
  return out;
}

export function bfloat16BitsToFloat32(bits: Uint16Array, out: Float32Array = new Float32Array(bits.length)): Float32Array {
  const wide = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < bits.length; i++) wide[i] = bits[i] << 16;
  return out;
}

const FLOAT16_OVERFLOW = 0x47800000; // 65536.0f: at or above it (after rounding) a half is inf
const FLOAT16_MIN_NORMAL = 0x38800000; // 2^-14

function float32BitsToFloat16Bits(x: number, value: number): number {
  const sign = (x >>> 16) & 0x8000;
  const magnitude = x & 0x7fffffff;
  if (magnitude >= FLOAT16_OVERFLOW) return sign | (magnitude > 0x7f800000 ? 0x7e00 : 0x7c00);
  if (magnitude < FLOAT16_MIN_NORMAL) {
    // subnormal: count units of 2^-24 (an exact scaling in float64), then round half to even
    const scaled = Math.abs(value) * 16777216;
    let rounded = Math.round(scaled);
    if (rounded - scaled === 0.5 && (rounded & 1) === 1) rounded -= 1;
    return sign | rounded; // 1024 rolls over into the smallest normal, which is the right pattern
  }
  const odd = (magnitude >>> 13) & 1;
  // rebias the exponent and add the rounding bias; a mantissa carry bumps the exponent correctly
  return sign | ((magnitude + ((15 - 127) << 23) + 0xfff + odd) >>> 13);
}

export function float32ToFloat16Bits(values: Float32Array, out: Uint16Array = new Uint16Array(values.length)): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32BitsToFloat16Bits(bits[i], values[i]);
  return out;
}

export function float32ToBfloat16Bits(values: Float32Array, out: Uint16Array = new Uint16Array(values.length)): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < values.length; i++) {
    const x = bits[i];
    if ((x & 0x7fffffff) > 0x7f800000) out[i] = (x >>> 16) | 0x0040; // keep NaN a (quiet) NaN
    else out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
  }
  return out;
}
