import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectPlugboardError, useTempDir } from '../testing/test-helpers.ts';
import { SafetensorsFile } from './safetensors-file.ts';
import { MAX_SAFETENSORS_HEADER_BYTES } from './safetensors-header.ts';

const dir = useTempDir('st');

let fileCount = 0;
/** Writes a hand-made safetensors file: 8-byte length (overridable), header text, data bytes. */
function craft(header: object | string, data: Uint8Array, declaredLength?: bigint): string {
  const headerBytes = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, declaredLength ?? BigInt(headerBytes.length), true);
  const path = join(dir, `file-${fileCount++}.safetensors`);
  writeFileSync(path, Buffer.concat([prefix, headerBytes, data]));
  return path;
}

const bytesOf = (values: ArrayBufferView) => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

describe('SafetensorsFile', () => {
  it('reads F32, F16 and BF16 tensors and the metadata', () => {
    const data = Buffer.concat([
      bytesOf(Float32Array.of(1, -2.5, 3, 4)),
      bytesOf(Uint16Array.of(0x3c00, 0x0001, 0x7c00)),
      bytesOf(Uint16Array.of(0x3f80, 0xc040)),
    ]);
    const path = craft(
      {
        __metadata__: { format: 'pt' },
        a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
        h: { dtype: 'F16', shape: [3], data_offsets: [16, 22] },
        b: { dtype: 'BF16', shape: [2], data_offsets: [22, 26] },
      },
      data,
    );
    const file = SafetensorsFile.open(path);
    try {
      expect(file.names()).toEqual(['a', 'h', 'b']);
      expect(file.metadata).toEqual({ format: 'pt' });
      expect(file.info('a')).toEqual({ name: 'a', dtype: 'F32', shape: [2, 2], byteLength: 16 });
      expect([...file.float32('a')]).toEqual([1, -2.5, 3, 4]);
      expect([...file.float32('h')]).toEqual([1, 2 ** -24, Infinity]);
      expect([...file.float32('b')]).toEqual([1, -3]);
      expect([...file.raw('h')]).toEqual([0x00, 0x3c, 0x01, 0x00, 0x00, 0x7c]);
    } finally {
      file.close();
    }
  });

  it('reports a tensor in an unsupported dtype, naming tensor and dtype', () => {
    const path = craft(
      {
        q: { dtype: 'I8', shape: [2], data_offsets: [0, 2] },
        d: { dtype: 'F64', shape: [1], data_offsets: [2, 10] },
        e: { dtype: 'F8_E4M3', shape: [1], data_offsets: [10, 11] },
      },
      new Uint8Array(11),
    );
    const file = SafetensorsFile.open(path);
    try {
      expectPlugboardError(() => file.float32('q'), 'UNSUPPORTED_DTYPE', '"q"', 'I8');
      expectPlugboardError(() => file.info('d'), 'UNSUPPORTED_DTYPE', '"d"', 'F64');
      expectPlugboardError(() => file.raw('e'), 'UNSUPPORTED_DTYPE', '"e"', 'F8_E4M3');
    } finally {
      file.close();
    }
  });

  it('reports a missing tensor and a missing file', () => {
    const file = SafetensorsFile.open(craft({}, new Uint8Array(0)));
    expectPlugboardError(() => file.float32('nope'), 'WEIGHT_MISSING', '"nope"');
    file.close();
    expectPlugboardError(() => SafetensorsFile.open(join(dir, 'absent.safetensors')), 'FILE_NOT_FOUND', 'absent.safetensors');
  });

  it('refuses a header length past the sanity bound', () => {
    const path = craft({}, new Uint8Array(0), BigInt(MAX_SAFETENSORS_HEADER_BYTES) + 1n);
    expectPlugboardError(() => SafetensorsFile.open(path), 'SAFETENSORS_HEADER_TOO_LARGE');
    expectPlugboardError(() => SafetensorsFile.open(craft({}, new Uint8Array(0), 2n ** 63n)), 'SAFETENSORS_HEADER_TOO_LARGE');
  });

  it('refuses a header length past the end of the file', () => {
    expectPlugboardError(() => SafetensorsFile.open(craft({}, new Uint8Array(0), 1000n)), 'SAFETENSORS_CORRUPT', 'file-');
  });

  it('refuses a file shorter than the length prefix', () => {
    const path = join(dir, 'tiny.safetensors');
    writeFileSync(path, new Uint8Array(5));
    expectPlugboardError(() => SafetensorsFile.open(path), 'SAFETENSORS_CORRUPT', 'tiny.safetensors');
  });

  it('refuses invalid JSON and malformed entries', () => {
    expectPlugboardError(() => SafetensorsFile.open(craft('{"a": {', new Uint8Array(0))), 'SAFETENSORS_CORRUPT', 'JSON');
    expectPlugboardError(
      () => SafetensorsFile.open(craft({ a: { dtype: 'F32', shape: [1] } }, new Uint8Array(4))),
      'SAFETENSORS_CORRUPT',
      'a',
    );
  });

  it('refuses overlapping and out-of-order offsets', () => {
    const overlapping = craft(
      {
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
      },
      new Uint8Array(12),
    );
    expectPlugboardError(() => SafetensorsFile.open(overlapping), 'SAFETENSORS_CORRUPT', '"b"', '"a"', 'overlap');
    const reversed = craft({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, new Uint8Array(8));
    expectPlugboardError(() => SafetensorsFile.open(reversed), 'SAFETENSORS_CORRUPT', '"a"');
  });

  it('refuses offsets outside the data section (a truncated file)', () => {
    const truncated = craft({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(10));
    expectPlugboardError(() => SafetensorsFile.open(truncated), 'SAFETENSORS_CORRUPT', 'file-', '"w"', 'truncated');
  });

  it('refuses a byte length that disagrees with dtype × shape', () => {
    const path = craft({ w: { dtype: 'F16', shape: [2, 3], data_offsets: [0, 8] } }, new Uint8Array(8));
    expectPlugboardError(() => SafetensorsFile.open(path), 'SAFETENSORS_CORRUPT', '"w"', '12 bytes', 'span 8');
  });

  it('refuses reads after close', () => {
    const file = SafetensorsFile.open(craft({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)));
    file.close();
    expectPlugboardError(() => file.float32('w'), 'INVALID_ARGUMENT', 'closed');
  });
});
