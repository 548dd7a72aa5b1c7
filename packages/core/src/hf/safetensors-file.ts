import { closeSync, existsSync, fstatSync } from 'node:fs';
import { PlugboardError } from '../errors/plugboard-error.ts';
import { contentSha256 } from './content-hash-index.ts';
import { openRegularFile } from './open-regular-file.ts';
import type { FileOpener } from './open-regular-file.ts';
import { bfloat16BitsToFloat32, float16BitsToFloat32 } from './half-precision.ts';
import { readExactly } from './read-exactly.ts';
import { checkHeaderLength, corrupt, parseSafetensorsHeader } from './safetensors-header.ts';
import type { SafetensorsEntry } from './safetensors-header.ts';
import { isStoredDType } from './safetensors-dtypes.ts';
import type { TensorInfo } from './weight-source.ts';

/**
 * One open .safetensors file. Only the header is read at open; each tensor is
 * read from its offset when asked for, so a multi-GB file costs no memory.
 * Call close() to release the file descriptor.
 */
export class SafetensorsFile {
  readonly path: string;
  readonly size: number;
  readonly metadata: Readonly<Record<string, string>>;
  private readonly fd: number;
  private readonly headerBytes: Uint8Array;
  private readonly entries: Map<string, SafetensorsEntry>;
  private closed = false;

  private constructor(path: string, fd: number, size: number, headerBytes: Uint8Array) {
    this.path = path;
    this.fd = fd;
    this.size = size;
    this.headerBytes = headerBytes;
    const header = parseSafetensorsHeader(path, headerBytes, size - 8 - headerBytes.length);
    this.entries = header.entries;
    this.metadata = header.metadata;
  }

  /** `open` opens the file (default: regular files only); a caller that must confine reads passes its own. */
  static open(path: string, options: { open?: FileOpener } = {}): SafetensorsFile {
    if (!existsSync(path)) {
      throw new PlugboardError('FILE_NOT_FOUND', `safetensors file ${path} does not exist: check the model folder`, {
        details: { path },
      });
    }
    const fd = (options.open ?? ((p: string) => openRegularFile(p, { invalidCode: 'SAFETENSORS_CORRUPT' })))(path);
    try {
      const size = fstatSync(fd).size;
      if (size < 8) throw corrupt(path, `the file has ${size} bytes, fewer than the 8-byte header length prefix`);
      const prefix = new Uint8Array(8);
      readExactly(fd, path, prefix, 0);
      const headerLength = checkHeaderLength(path, new DataView(prefix.buffer).getBigUint64(0, true), size);
      const headerBytes = new Uint8Array(headerLength);
      readExactly(fd, path, headerBytes, 8);
      return new SafetensorsFile(path, fd, size, headerBytes);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** bytes of the JSON header (after the 8-byte length prefix) */
  get headerLength(): number {
    return this.headerBytes.length;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  info(name: string): TensorInfo {
    const entry = this.entry(name);
    if (!isStoredDType(entry.dtype)) {
      throw new PlugboardError(
        'UNSUPPORTED_DTYPE',
        `tensor "${name}" in ${this.path} is ${entry.dtype}; only F32, F16 and BF16 weights are supported (convert the checkpoint first)`,
        { details: { tensor: name, dtype: entry.dtype } },
      );
    }
    return { name, dtype: entry.dtype, shape: [...entry.shape], byteLength: entry.byteLength };
  }

  raw(name: string): Uint8Array {
    this.info(name);
    return this.readEntry(this.entry(name));
  }

  float32(name: string): Float32Array {
    const info = this.info(name);
    const entry = this.entry(name);
    if (info.dtype === 'F32') {
      const bytes = this.readEntry(entry);
      return new Float32Array(bytes.buffer, 0, bytes.length / 4);
    }
    const bytes = this.readEntry(entry);
    const bits = new Uint16Array(bytes.buffer, 0, bytes.length / 2);
    return info.dtype === 'F16' ? float16BitsToFloat32(bits) : bfloat16BitsToFloat32(bits);
  }

  /** sha256 of the whole file, remembered per file identity in `indexDir` (see contentSha256). */
  contentSha256(indexDir: string): string {
    this.ensureOpen();
    return contentSha256(this.fd, this.path, indexDir);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private entry(name: string): SafetensorsEntry {
    const entry = this.entries.get(name);
    if (!entry) {
      throw new PlugboardError('WEIGHT_MISSING', `tensor "${name}" is not in ${this.path}`, { details: { tensor: name } });
    }
    return entry;
  }

  /** Reads into a fresh buffer (offset 0, so typed-array views of it need no copy). */
  private readEntry(entry: SafetensorsEntry): Uint8Array {
    this.ensureOpen();
    const bytes = new Uint8Array(entry.byteLength);
    readExactly(this.fd, this.path, bytes, entry.fileOffset);
    return bytes;
  }

  private ensureOpen(): void {
    if (this.closed) throw new PlugboardError('INVALID_ARGUMENT', `${this.path} was closed; open the weights again`);
  }
}
