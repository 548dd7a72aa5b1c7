import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { PlugboardError } from '../errors/plugboard-error.ts';
import { float32ToBfloat16Bits, float32ToFloat16Bits } from './half-precision.ts';
import { SAFETENSORS_DTYPE_BYTES, elementCount } from './safetensors-dtypes.ts';
import type { StoredDType } from './weight-source.ts';

/** A tensor's values: all at once, or produced in chunks (concatenated in order) so huge tensors never sit in memory whole. */
export type TensorValues = Float32Array | (() => Iterable<Float32Array>);

export interface TensorToWrite {
  name: string;
  /** how the values are stored; F16/BF16 round to nearest, ties to even */
  dtype: StoredDType;
  shape: readonly number[];
  values: TensorValues;
}

export interface WriteSafetensorsOptions {
  /** free-form string pairs stored as the header's `__metadata__` */
  metadata?: Record<string, string>;
}

const HEADER_ALIGNMENT = 8; // pad the header so the data section starts 8-byte aligned, as the reference writer does

export function storedByteLength(tensor: Pick<TensorToWrite, 'dtype' | 'shape'>): number {
  return elementCount(tensor.shape) * SAFETENSORS_DTYPE_BYTES[tensor.dtype];
}

/**
 * Writes a .safetensors file: the header first (computed from shapes alone),
 * then each tensor's values appended one after another. Writes to a temporary
 * name and renames at the end, so a failure never leaves a half file at `path`.
 */
export function writeSafetensors(path: string, tensors: readonly TensorToWrite[], options: WriteSafetensorsOptions = {}): void {
  const header = encodeHeader(tensors, options.metadata);
  const temporary = `${path}.${process.pid}.partial`;
  const fd = openSync(temporary, 'w');
  let complete = false;
  try {
    const prefix = new Uint8Array(8);
    new DataView(prefix.buffer).setBigUint64(0, BigInt(header.length), true);
    writeAll(fd, prefix);
    writeAll(fd, header);
    for (const tensor of tensors) writeTensorValues(fd, tensor);
    complete = true;
  } finally {
    closeSync(fd);
    if (!complete) rmSync(temporary, { force: true });
  }
  renameSync(temporary, path);
}

function encodeHeader(tensors: readonly TensorToWrite[], metadata: Record<string, string> | undefined): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const tensor of tensors) {
    if (tensor.name === '__metadata__' || Object.hasOwn(header, tensor.name)) {
      throw new PlugboardError('INVALID_ARGUMENT', `tensor name "${tensor.name}" is reserved or used twice`);
    }
    if (!tensor.shape.every((dim) => Number.isInteger(dim) && dim >= 0)) {
      throw new PlugboardError('INVALID_ARGUMENT', `tensor "${tensor.name}" has an invalid shape ${JSON.stringify(tensor.shape)}`);
    }
    const end = offset + storedByteLength(tensor);
    header[tensor.name] = { dtype: tensor.dtype, shape: [...tensor.shape], data_offsets: [offset, end] };
    offset = end;
  }
  const json = JSON.stringify(header);
  const padded = json + ' '.repeat((HEADER_ALIGNMENT - (Buffer.byteLength(json) % HEADER_ALIGNMENT)) % HEADER_ALIGNMENT);
  return new TextEncoder().encode(padded);
}

function writeTensorValues(fd: number, tensor: TensorToWrite): void {
  const expected = elementCount(tensor.shape);
  const chunks = typeof tensor.values === 'function' ? tensor.values() : [tensor.values];
  let written = 0;
  for (const chunk of chunks) {
    written += chunk.length;
    if (written > expected) break;
    writeAll(fd, encodeValues(chunk, tensor.dtype));
  }
  if (written !== expected) {
    throw new PlugboardError(
      'INVALID_ARGUMENT',
      `tensor "${tensor.name}" has shape ${JSON.stringify(tensor.shape)} (${expected} values) but ${written > expected ? 'more' : written} values were given`,
    );
  }
}

function encodeValues(values: Float32Array, dtype: StoredDType): Uint8Array {
  const encoded = dtype === 'F32' ? values : dtype === 'F16' ? float32ToFloat16Bits(values) : float32ToBfloat16Bits(values);
  return new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}
