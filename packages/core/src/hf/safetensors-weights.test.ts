import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectPlugboardError, useTempDir } from '../testing/test-helpers.ts';
import { expectedWeightShapes, normalizeHfConfig } from './config.ts';
import { elementCount } from './safetensors-dtypes.ts';
import { openWeights } from './safetensors-weights.ts';
import { writeSafetensors } from './safetensors-writer.ts';
import type { TensorToWrite } from './safetensors-writer.ts';
import { writeShardedSafetensors } from './sharded-safetensors-writer.ts';
import { validateWeights } from './validate-weights.ts';

const root = useTempDir('weights');
let folderCount = 0;
function folder(): string {
  const dir = join(root, `m${folderCount++}`);
  mkdirSync(dir);
  return dir;
}

const config = normalizeHfConfig({
  model_type: 'llama',
  hidden_size: 8,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  num_key_value_heads: 1,
  intermediate_size: 16,
  vocab_size: 10,
  tie_word_embeddings: true,
});

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
      const source = openWeights(dir);
      const fingerprint = source.fingerprint();
      source.close();
      return fingerprint;
    });
    expect(fa).toMatch(/^[0-9a-f]{64}$/);
    expect(fb).toBe(fa);
    expect(fc).not.toBe(fa); // these files are small enough for the samples to cover every byte
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
});
