import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectPlugboardError, useTempDir } from '../testing/test-helpers.ts';
import { float16BitsToFloat32, float32ToFloat16Bits } from './half-precision.ts';
import { SafetensorsFile } from './safetensors-file.ts';
import { writeSafetensors } from './safetensors-writer.ts';
import { writeShardedSafetensors } from './sharded-safetensors-writer.ts';
import { openWeights } from './safetensors-weights.ts';

const dir = useTempDir('st-writer');

const values = Float32Array.of(0, 1, -1.5, 0.1, 3.14159, 1e-7, 70000, -65519.5);

describe('writeSafetensors', () => {
  it('round-trips F32 exactly, F16 and BF16 with round-to-nearest-even, plus metadata', () => {
    const path = join(dir, 'round-trip.safetensors');
    writeSafetensors(
      path,
      [
        { name: 'f32', dtype: 'F32', shape: [2, 4], values },
        { name: 'f16', dtype: 'F16', shape: [8], values },
        { name: 'bf16', dtype: 'BF16', shape: [4, 2], values },
      ],
      { metadata: { format: 'pt', note: 'test' } },
    );
    const file = SafetensorsFile.open(path);
    try {
      expect(file.metadata).toEqual({ format: 'pt', note: 'test' });
      expect(file.float32('f32')).toEqual(values);
      expect(file.info('bf16').shape).toEqual([4, 2]);
      expect([...file.float32('f16')]).toEqual([...float16BitsToFloat32(float32ToFloat16Bits(values))]);
      expect(file.float32('f16')[6]).toBe(Infinity); // 70000 overflows half
      expect(file.float32('f16')[3]).toBe(0.0999755859375);
      const bf16 = file.float32('bf16');
      expect(bf16[3]).toBe(0.10009765625);
      expect(bf16[6]).toBe(70144);
    } finally {
      file.close();
    }
    // the data section starts 8-byte aligned
    const headerLength = Number(readFileSync(path).readBigUInt64LE(0));
    expect(headerLength % 8).toBe(0);
  });

  it('streams chunked values in order', () => {
    const path = join(dir, 'chunked.safetensors');
    function* chunks() {
      yield Float32Array.of(1, 2);
      yield Float32Array.of(3);
      yield Float32Array.of(4, 5, 6);
    }
    writeSafetensors(path, [{ name: 'w', dtype: 'F32', shape: [2, 3], values: chunks }]);
    const file = SafetensorsFile.open(path);
    expect([...file.float32('w')]).toEqual([1, 2, 3, 4, 5, 6]);
    file.close();
  });

  it('refuses a value count that disagrees with the shape and leaves no file behind', () => {
    const path = join(dir, 'wrong-count.safetensors');
    expectPlugboardError(
      () => writeSafetensors(path, [{ name: 'w', dtype: 'F32', shape: [3], values: Float32Array.of(1, 2) }]),
      'INVALID_ARGUMENT',
      '"w"',
    );
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('wrong-count'))).toEqual([]);
  });

  it('refuses duplicate and reserved tensor names', () => {
    const w = { name: 'w', dtype: 'F32' as const, shape: [1], values: Float32Array.of(1) };
    expectPlugboardError(() => writeSafetensors(join(dir, 'dup.safetensors'), [w, w]), 'INVALID_ARGUMENT', '"w"');
    expectPlugboardError(
      () => writeSafetensors(join(dir, 'meta.safetensors'), [{ ...w, name: '__metadata__' }]),
      'INVALID_ARGUMENT',
      '__metadata__',
    );
  });
});

describe('writeShardedSafetensors', () => {
  const tensors = ['a', 'b', 'c', 'd'].map((name, i) => ({
    name,
    dtype: 'F32' as const,
    shape: [4],
    values: Float32Array.from({ length: 4 }, (_, j) => i * 10 + j),
  }));

  it('splits at the byte limit, writes the index, and reads back as one source', () => {
    const out = join(dir, 'sharded');
    mkdirSync(out);
    const written = writeShardedSafetensors(out, tensors, { maxShardBytes: 40 });
    expect(written).toEqual([
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
      'model.safetensors.index.json',
    ]);
    const index = JSON.parse(readFileSync(join(out, 'model.safetensors.index.json'), 'utf8'));
    expect(index.metadata.total_size).toBe(64);
    expect(index.weight_map).toEqual({
      a: 'model-00001-of-00002.safetensors',
      b: 'model-00001-of-00002.safetensors',
      c: 'model-00002-of-00002.safetensors',
      d: 'model-00002-of-00002.safetensors',
    });
    const source = openWeights(out);
    try {
      expect(source.names().sort()).toEqual(['a', 'b', 'c', 'd']);
      expect([...source.float32('d')]).toEqual([30, 31, 32, 33]);
    } finally {
      source.close();
    }
  });

  it('writes a single model.safetensors when everything fits in one shard', () => {
    const out = join(dir, 'unsharded');
    mkdirSync(out);
    expect(writeShardedSafetensors(out, tensors, { maxShardBytes: 1 << 20 })).toEqual(['model.safetensors']);
  });

  it('refuses a non-positive shard size', () => {
    expectPlugboardError(() => writeShardedSafetensors(dir, tensors, { maxShardBytes: 0 }), 'INVALID_ARGUMENT', 'maxShardBytes');
  });
});
