import { describe, expect, it } from 'vitest';
import { isPlugboardError } from '../errors/plugboard-error.ts';
import { InMemoryWeights } from './in-memory-weights.ts';
import { headMajor } from './kv-cache.ts';
import { maxAbsDiff } from './max-abs-diff.ts';
import { SeededRandom } from '../random/seeded-random.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isPlugboardError(error) ? error.code : 'not a PlugboardError';
  }
  return undefined;
}

describe('InMemoryWeights', () => {
  it('stores and hands out copies with their info and little-endian bytes', () => {
    const data = Float32Array.from([1, -2, 0.5, 3, 4, 5]);
    const weights = new InMemoryWeights([['w', { shape: [2, 3], data }]]);
    data[0] = 99;
    const out = weights.float32('w');
    out[1] = 77;
    expect([...weights.float32('w')]).toEqual([1, -2, 0.5, 3, 4, 5]);
    expect(weights.names()).toEqual(['w']);
    expect(weights.has('w')).toBe(true);
    expect(weights.has('x')).toBe(false);
    expect(weights.info('w')).toEqual({ name: 'w', dtype: 'F32', shape: [2, 3], byteLength: 24 });
    expect([...weights.raw('w').subarray(0, 8)]).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]);
  });

  it('fingerprints content, not just names and shapes', () => {
    const a = new InMemoryWeights().set('w', [2], Float32Array.from([1, 2]));
    const b = new InMemoryWeights().set('w', [2], Float32Array.from([1, 2]));
    const c = new InMemoryWeights().set('w', [2], Float32Array.from([1, 3]));
    expect(a.fingerprint()).toBe(b.fingerprint());
    expect(a.fingerprint()).not.toBe(c.fingerprint());
    expect(InMemoryWeights.copyOf(c).fingerprint()).toBe(c.fingerprint());
  });

  it('rejects unknown names and data that does not fit the shape', () => {
    const weights = new InMemoryWeights();
    expect(codeOf(() => weights.float32('nope'))).toBe('WEIGHT_MISSING');
    expect(codeOf(() => weights.set('w', [2, 2], new Float32Array(3)))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => weights.set('w', [-1], new Float32Array(0)))).toBe('INVALID_ARGUMENT');
  });
});

describe('SeededRandom', () => {
  it('is deterministic per seed and different across seeds', () => {
    expect(new SeededRandom(5).normals(8)).toEqual(new SeededRandom(5).normals(8));
    expect(new SeededRandom(5).normals(8)).not.toEqual(new SeededRandom(6).normals(8));
  });

  it('draws uniforms in [0, 1) and roughly standard normals', () => {
    const random = new SeededRandom(9);
    const uniforms = Array.from({ length: 1000 }, () => random.next());
    expect(uniforms.every((u) => u >= 0 && u < 1)).toBe(true);
    const normals = random.normals(20000);
    const mean = normals.reduce((s, x) => s + x, 0) / normals.length;
    const variance = normals.reduce((s, x) => s + (x - mean) ** 2, 0) / normals.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});

describe('headMajor and maxAbsDiff', () => {
  it('headMajor turns [P, H*hd] into [H, P, hd]', () => {
    // P = 2, H = 2, hd = 2
    const tokenMajor = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...headMajor(tokenMajor, 2, 2)]).toEqual([1, 2, 5, 6, 3, 4, 7, 8]);
  });

  it('maxAbsDiff finds the largest gap, treats NaN as infinitely far, and rejects length mismatches', () => {
    expect(maxAbsDiff([1, 2, 3], [1, 2.5, 2])).toBe(1);
    expect(maxAbsDiff([1, Number.NaN], [1, 1])).toBe(Number.POSITIVE_INFINITY);
    expect(codeOf(() => maxAbsDiff([1], [1, 2]))).toBe('INVALID_ARGUMENT');
  });
});
