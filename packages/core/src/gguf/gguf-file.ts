import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { PlugboardError } from '../errors/plugboard-error.ts';
import { ggmlTypeInfo } from './ggml-types.ts';
import { GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VALUE_TYPE } from './gguf-values.ts';
import type { GgufValue } from './gguf-values.ts';
import { contentSha256 } from '../hf/content-hash-index.ts';

/** A tensor as GGUF describes it: `dims` innermost first (ggml's ne[0], ne[1], …). */
export interface GgufTensorInfo {
  name: string;
  dims: number[];
  type: number;
  /** absolute offset of the data in the file */
  fileOffset: number;
  /** bytes of data, for the supported types (0 for others: reading them is refused) */
  byteLength: number;
}

const CHUNK = 1 << 20;
const MAX_STRING_BYTES = 64 << 20;
const MAX_DIMS = 4;

export function ggufCorrupt(path: string, what: string): PlugboardError {
  return new PlugboardError('GGUF_CORRUPT', `${path} is not a valid GGUF file: ${what}`, { details: { path } });
}

/** Sequential little-endian reads from a file, a chunk at a time (metadata can be megabytes of tokens). */
class FileCursor {
  position = 0;
  private chunk = new Uint8Array(0);
  private chunkStart = 0;
  private view = new DataView(this.chunk.buffer);

  constructor(
    private readonly fd: number,
    private readonly path: string,
    private readonly size: number,
  ) {}

  private ensure(n: number): number {
    const offset = this.position - this.chunkStart;
    if (offset >= 0 && offset + n <= this.chunk.length) return offset;
    if (this.position + n > this.size) throw ggufCorrupt(this.path, `it ends at byte ${this.size}, inside the header (needed ${n} bytes at ${this.position})`);
    this.chunk = new Uint8Array(Math.max(CHUNK, n));
    const read = readSync(this.fd, this.chunk, 0, Math.min(this.chunk.length, this.size - this.position), this.position);
    this.chunk = this.chunk.subarray(0, read);
    this.chunkStart = this.position;
    this.view = new DataView(this.chunk.buffer, this.chunk.byteOffset, this.chunk.length);
    return 0;
  }

  private take<T>(n: number, read: (view: DataView, at: number) => T): T {
    const at = this.ensure(n);
    this.position += n;
    return read(this.view, at);
  }

  u8 = () => this.take(1, (v, at) => v.getUint8(at));
  i8 = () => this.take(1, (v, at) => v.getInt8(at));
  u16 = () => this.take(2, (v, at) => v.getUint16(at, true));
  i16 = () => this.take(2, (v, at) => v.getInt16(at, true));
  u32 = () => this.take(4, (v, at) => v.getUint32(at, true));
  i32 = () => this.take(4, (v, at) => v.getInt32(at, true));
  f32 = () => this.take(4, (v, at) => v.getFloat32(at, true));
  f64 = () => this.take(8, (v, at) => v.getFloat64(at, true));
  i64 = () => this.take(8, (v, at) => Number(v.getBigInt64(at, true)));

  /** A u64 that must fit a JS number exactly (counts, sizes, offsets). */
  u64(what: string): number {
    const value = this.take(8, (v, at) => v.getBigUint64(at, true));
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw ggufCorrupt(this.path, `${what} is ${value}, beyond any real file`);
    return Number(value);
  }

  string(): string {
    const length = this.u64('a string length');
    if (length > MAX_STRING_BYTES) throw ggufCorrupt(this.path, `a string of ${length} bytes at ${this.position}`);
    return this.take(length, (v, at) => new TextDecoder().decode(new Uint8Array(v.buffer, v.byteOffset + at, length)));
  }
}

/** The shortest decimal that is the same float32 (1e-6, not 9.99999997e-7), as converters wrote it from config.json. */
function shortestDecimal(value: number): number {
  for (let digits = 1; digits < 10; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

function readValue(cursor: FileCursor, type: number, path: string, key: string): GgufValue {
  switch (type) {
    case GGUF_VALUE_TYPE.UINT8: return cursor.u8();
    case GGUF_VALUE_TYPE.INT8: return cursor.i8();
    case GGUF_VALUE_TYPE.UINT16: return cursor.u16();
    case GGUF_VALUE_TYPE.INT16: return cursor.i16();
    case GGUF_VALUE_TYPE.UINT32: return cursor.u32();
    case GGUF_VALUE_TYPE.INT32: return cursor.i32();
    case GGUF_VALUE_TYPE.FLOAT32: return shortestDecimal(cursor.f32());
    case GGUF_VALUE_TYPE.BOOL: return cursor.u8() !== 0;
    case GGUF_VALUE_TYPE.STRING: return cursor.string();
    case GGUF_VALUE_TYPE.UINT64: return cursor.u64(`value of ${key}`);
    case GGUF_VALUE_TYPE.INT64: return cursor.i64();
    case GGUF_VALUE_TYPE.FLOAT64: return cursor.f64();
    case GGUF_VALUE_TYPE.ARRAY: {
      const itemType = cursor.u32();
      const count = cursor.u64(`length of ${key}`);
      const items: GgufValue[] = new Array(count);
      for (let i = 0; i < count; i++) items[i] = readValue(cursor, itemType, path, key);
      return items;
    }
    default:
      throw ggufCorrupt(path, `metadata "${key}" has unknown value type ${type}`);
  }
}

/**
 * One open GGUF file (v2/v3): metadata and tensor infos are read at open;
 * tensor data is read from its offset when asked for. close() releases it.
 */
export class GgufFile {
  readonly metadata: ReadonlyMap<string, GgufValue>;
  readonly tensors: ReadonlyMap<string, GgufTensorInfo>;
  readonly version: number;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    readonly size: number,
    readonly headerBytes: number,
    version: number,
    metadata: Map<string, GgufValue>,
    tensors: Map<string, GgufTensorInfo>,
  ) {
    this.version = version;
    this.metadata = metadata;
    this.tensors = tensors;
  }

  static open(path: string): GgufFile {
    if (!existsSync(path)) throw new PlugboardError('FILE_NOT_FOUND', `GGUF file ${path} does not exist`, { details: { path } });
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const cursor = new FileCursor(fd, path, size);
      if (size < 24 || cursor.u32() !== GGUF_MAGIC) throw ggufCorrupt(path, 'it does not start with the magic "GGUF"');
      const version = cursor.u32();
      if (version !== 2 && version !== 3) {
        throw new PlugboardError('UNSUPPORTED_FEATURE', `${path} is GGUF version ${version}; versions 2 and 3 are supported (re-convert it with a recent llama.cpp)`, { details: { path, version } });
      }
      const tensorCount = cursor.u64('the tensor count');
      const kvCount = cursor.u64('the metadata count');
      const metadata = new Map<string, GgufValue>();
      for (let i = 0; i < kvCount; i++) {
        const key = cursor.string();
        metadata.set(key, readValue(cursor, cursor.u32(), path, key));
      }
      const alignment = metadata.get('general.alignment') ?? GGUF_DEFAULT_ALIGNMENT;
      if (typeof alignment !== 'number' || alignment <= 0 || alignment % 8 !== 0) throw ggufCorrupt(path, `general.alignment is ${String(alignment)}, not a positive multiple of 8`);
      const infos: Omit<GgufTensorInfo, 'fileOffset' | 'byteLength'>[] = [];
      const offsets: number[] = [];
      for (let i = 0; i < tensorCount; i++) {
        const name = cursor.string();
        const nDims = cursor.u32();
        if (nDims < 1 || nDims > MAX_DIMS) throw ggufCorrupt(path, `tensor "${name}" has ${nDims} dimensions`);
        const dims = Array.from({ length: nDims }, () => cursor.u64(`a dimension of ${name}`));
        infos.push({ name, dims, type: cursor.u32() });
        offsets.push(cursor.u64(`the offset of ${name}`));
      }
      const dataStart = Math.ceil(cursor.position / alignment) * alignment;
      const tensors = new Map<string, GgufTensorInfo>();
      infos.forEach((info, i) => {
        const byteLength = tensorByteLength(info.dims, info.type, path, info.name);
        const fileOffset = dataStart + offsets[i]!;
        if (fileOffset + byteLength > size) throw ggufCorrupt(path, `tensor "${info.name}" runs past the end of the file (truncated download?)`);
        if (tensors.has(info.name)) throw ggufCorrupt(path, `tensor "${info.name}" appears twice`);
        tensors.set(info.name, { ...info, fileOffset, byteLength });
      });
      return new GgufFile(path, fd, size, dataStart, version, metadata, tensors);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** The tensor's bytes as stored. */
  read(info: GgufTensorInfo): Uint8Array {
    if (this.closed) throw new PlugboardError('INVALID_ARGUMENT', `${this.path} was closed; open the weights again`);
    const bytes = new Uint8Array(info.byteLength);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(this.fd, bytes, done, Math.min(1 << 30, bytes.length - done), info.fileOffset + done);
      if (n === 0) throw ggufCorrupt(this.path, `tensor "${info.name}" ends early (the file changed or is truncated)`);
      done += n;
    }
    return bytes;
  }

  /** sha256 of the whole file, remembered per file identity in `indexDir` (the same content hash safetensors files use). */
  contentSha256(indexDir: string): string {
    return contentSha256(this.fd, this.path, indexDir);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** Data bytes of a tensor of a supported type; 0 for other types (their use is refused later, naming the type). */
function tensorByteLength(dims: number[], type: number, path: string, name: string): number {
  const info = ggmlTypeInfo(type);
  if (!info) return 0;
  if (dims[0]! % info.blockSize !== 0) throw ggufCorrupt(path, `tensor "${name}" has ${dims[0]} values per row, not a multiple of ${info.name}'s block of ${info.blockSize}`);
  const count = dims.reduce((a, b) => a * b, 1);
  return (count / info.blockSize) * info.bytesPerBlock;
}
