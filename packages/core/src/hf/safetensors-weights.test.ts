import { mkdirSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectPlugboardError, flipUnsampledByte, useTempDir } from '../testing/test-helpers.ts';
import { expectedWeightShapes, normalizeHfConfig } from './config.ts';
import { elementCount } from './safetensors-dtypes.ts';
import { openWeights } from './safetensors-weights.ts';
import { writeSafetensors } from './safetensors-writer.ts';
import type { TensorToWrite } from './safetensors-writer.ts';
import { writeShardedSafetensors } from './sharded-safetensors-writer.ts';
import { validateWeights } from './validate-weights.ts';

const root = useTempDir('weights');
const fingerprintIndexDir = join(root, 'fingerprint-index');

function fingerprintOf(dir: string, indexDir = fingerprintIndexDir): string {
  const source = openWeights(dir, { fingerprintIndexDir: indexDir });
  try {
    return source.fingerprint();
  } finally {
    source.close();
  }
}

let folderCount = 0;
function folder(): string {
  const dir = join(root, `m${folderCount++}`);
  mkdirSync(dir);
  return dir;
}

const rawConfig = {
  model_type: 'llama',
  hidden_size: 8,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  num_key_value_heads: 1,
  intermediate_size: 16,
  vocab_size: 10,
  tie_word_embeddings: true,
};
const config = normalizeHfConfig(rawConfig);

function modelTensors(): TensorToWrite[] {
  return [...expectedWeightShapes(config)].map(([name, shape], i) => ({
    name,
    dtype: 'F32',
    shape,
    values: new Float32Array(elementCount(shape)).fill(i),
  }));
}

describe('openWeights', () => {
  it('opens a single model.safetensors folder or a file path', () => {
    const dir = folder();
    writeSafetensors(join(dir, 'model.safetensors'), modelTensors());
    for (const path of [dir, join(dir, 'model.safetensors')]) {
      const source = openWeights(path);
      expect(source.has('model.norm.weight')).toBe(true);
      expect(source.info('model.layers.0.mlp.up_proj.weight').shape).toEqual([16, 8]);
      source.close();
    }
  });

  it('fingerprints by content: same bytes in another folder agree, a changed value differs', () => {
    const [a, b, c] = [folder(), folder(), folder()];
    writeShardedSafetensors(a, modelTensors(), { maxShardBytes: 256 });
    writeShardedSafetensors(b, modelTensors(), { maxShardBytes: 256 });
    const changed = modelTensors();
    (changed[3].values as Float32Array)[0] = 42;
    writeShardedSafetensors(c, changed, { maxShardBytes: 256 });
    const [fa, fb, fc] = [a, b, c].map((dir) => {
      const source = openWeights(dir, { fingerprintIndexDir });
      const fingerprint = source.fingerprint();
      source.close();
      return fingerprint;
    });
    expect(fa).toMatch(/^[0-9a-f]{64}$/);
    expect(fb).toBe(fa);
    expect(fc).not.toBe(fa);
  });

  it('fingerprints every byte: same header and size, one value changed where no sampled block reaches, differs (issue 9 item 1)', () => {
    const [a, b] = [folder(), folder()];
    const big = (): TensorToWrite[] => [...modelTensors(), { name: 'model.big.weight', dtype: 'F32', shape: [600_000], values: new Float32Array(600_000).fill(0.5) }];
    writeSafetensors(join(a, 'model.safetensors'), big());
    writeSafetensors(join(b, 'model.safetensors'), big());
    flipUnsampledByte(join(b, 'model.safetensors'));
    const [fa, fb] = [a, b].map((dir) => fingerprintOf(dir));
    expect(fb).toMatch(/^[0-9a-f]{64}$/);
    expect(fb).not.toBe(fa);
  });

  it('remembers each file hash by identity: a warm call reads the index, a rewrite in place is hashed again even with its mtime set back', () => {
    const dir = folder();
    const file = join(dir, 'model.safetensors');
    writeSafetensors(file, modelTensors());
    const indexDir = join(dir, 'index');
    const first = fingerprintOf(dir, indexDir);
    const entries = readdirSync(indexDir);
    expect(entries).toHaveLength(1);
    // a forged entry for the same identity is believed: proof that a warm call does not re-read the weights
    const entryPath = join(indexDir, entries[0]!);
    const entry = JSON.parse(readFileSync(entryPath, 'utf8')) as { sha256: string };
    writeFileSync(entryPath, JSON.stringify({ ...entry, sha256: 'f'.repeat(64) }));
    expect(fingerprintOf(dir, indexDir)).not.toBe(first);
    writeFileSync(entryPath, JSON.stringify(entry));
    expect(fingerprintOf(dir, indexDir)).toBe(first);
    // same size, other bytes, mtime restored: the identity (ctime) still moves, so it is re-hashed
    const { mtime } = statSync(file);
    const changed = modelTensors();
    (changed[2]!.values as Float32Array)[0] = 7;
    writeSafetensors(file, changed);
    utimesSync(file, mtime, mtime);
    expect(fingerprintOf(dir, indexDir)).not.toBe(first);
  });

  it('reports a folder with no weights, and a missing shard', () => {
    expectPlugboardError(() => openWeights(folder()), 'FILE_NOT_FOUND', 'model.safetensors');
    const dir = folder();
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { w: 'model-00001-of-00002.safetensors' } }));
    expectPlugboardError(() => openWeights(dir), 'FILE_NOT_FOUND', 'model-00001-of-00002.safetensors');
  });

  it('refuses an index that disagrees with its shards, is malformed, or points outside the folder', () => {
    const dir = folder();
    const [firstShard] = writeShardedSafetensors(dir, modelTensors(), { maxShardBytes: 256 });
    const index = { weight_map: { 'model.embed_tokens.weight': firstShard, ghost: firstShard } };
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify(index));
    expectPlugboardError(() => openWeights(dir), 'SAFETENSORS_CORRUPT', '"ghost"');
    writeFileSync(join(dir, 'model.safetensors.index.json'), '{"weight_map": [1]}');
    expectPlugboardError(() => openWeights(dir), 'SAFETENSORS_CORRUPT', 'weight_map');
    writeFileSync(join(dir, 'model.safetensors.index.json'), '{not json');
    expectPlugboardError(() => openWeights(dir), 'SAFETENSORS_CORRUPT', 'JSON');
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { w: '../model.safetensors' } }));
    expectPlugboardError(() => openWeights(dir), 'PATH_ESCAPE', '../model.safetensors');
  });
});

describe('validateWeights', () => {
  it('accepts weights that match the config', () => {
    const dir = folder();
    writeSafetensors(join(dir, 'model.safetensors'), modelTensors());
    const source = openWeights(dir);
    expect(() => validateWeights(source, config)).not.toThrow();
    source.close();
  });

  it('names a missing tensor', () => {
    const dir = folder();
    writeSafetensors(
      join(dir, 'model.safetensors'),
      modelTensors().filter((t) => t.name !== 'model.layers.0.self_attn.k_proj.weight'),
    );
    const source = openWeights(dir);
    expectPlugboardError(() => validateWeights(source, config), 'WEIGHT_MISSING', 'model.layers.0.self_attn.k_proj.weight', '[4,8]');
    source.close();
  });

  it('names a tensor with the wrong shape, with expected and actual shapes', () => {
    const dir = folder();
    const tensors = modelTensors().map((t) =>
      t.name === 'model.layers.0.mlp.down_proj.weight' ? { ...t, shape: [16, 8] } : t,
    );
    writeSafetensors(join(dir, 'model.safetensors'), tensors);
    const source = openWeights(dir);
    expectPlugboardError(
      () => validateWeights(source, config),
      'WEIGHT_SHAPE_MISMATCH',
      'model.layers.0.mlp.down_proj.weight',
      '[16,8]',
      '[8,16]',
    );
    source.close();
  });

  it('refuses tensors the config does not account for with WEIGHT_UNEXPECTED: first few named, the rest counted (issue 9 item 3)', () => {
    const dir = folder();
    const extras = Array.from({ length: 7 }, (_, i) => ({ name: `model.extra.${i}.weight`, dtype: 'F32' as const, shape: [2], values: new Float32Array(2) }));
    writeSafetensors(join(dir, 'model.safetensors'), [...modelTensors(), ...extras]);
    const source = openWeights(dir);
    expectPlugboardError(() => validateWeights(source, config), 'WEIGHT_UNEXPECTED', '7 tensor(s)', '"model.extra.0.weight"', '"model.extra.4.weight"', 'and 2 more', 'ignoreUnexpectedWeights');
    // known extras: all of them, or by exact name (a name not listed is still refused)
    expect(() => validateWeights(source, config, { ignoreUnexpected: true })).not.toThrow();
    expect(() => validateWeights(source, config, { ignoreUnexpected: extras.map((t) => t.name) })).not.toThrow();
    expectPlugboardError(() => validateWeights(source, config, { ignoreUnexpected: extras.slice(1).map((t) => t.name) }), 'WEIGHT_UNEXPECTED', '1 tensor(s)', '"model.extra.0.weight"');
    source.close();
  });

  it('a config with fewer layers than the checkpoint is refused, not run as a smaller model', () => {
    const dir = folder();
    const twoLayers = normalizeHfConfig({ ...rawConfig, num_hidden_layers: 2 });
    writeSafetensors(join(dir, 'model.safetensors'), [...expectedWeightShapes(twoLayers)].map(([name, shape]) => ({ name, dtype: 'F32', shape, values: new Float32Array(elementCount(shape)) })));
    const source = openWeights(dir);
    expectPlugboardError(() => validateWeights(source, config), 'WEIGHT_UNEXPECTED', 'model.layers.1.');
    expect(() => validateWeights(source, twoLayers)).not.toThrow();
    source.close();
  });

  it('ignores rotary caches (rotary_emb.inv_freq) by default', () => {
    const dir = folder();
    const invFreq = { name: 'model.layers.0.self_attn.rotary_emb.inv_freq', dtype: 'F32' as const, shape: [2], values: new Float32Array(2) };
    writeSafetensors(join(dir, 'model.safetensors'), [...modelTensors(), invFreq]);
    const source = openWeights(dir);
    expect(() => validateWeights(source, config)).not.toThrow();
    source.close();
  });
});
