import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPlugboardError, loadTokenizer, openWeights } from '@plugboard/core';
import { writeFixtureModel } from '@plugboard/core/testing';
import { writeInitialModel } from './init-model.ts';

const root = mkdtempSync(join(tmpdir(), 'init-model-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const tokenizerDir = writeFixtureModel(join(root, 'tok'), { vocabSize: 300 }).dir;
const shapes = { hiddenSize: 32, numLayers: 2, numHeads: 4, numKvHeads: 2, intermediateSize: 48, maxPositionEmbeddings: 64 };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isPlugboardError(error) ? error.code : 'not a PlugboardError';
  }
  return undefined;
}

describe('writeInitialModel', () => {
  it('sizes the model to the tokenizer and initializes as GPT-2 does: norms 1, matrices std 0.02, residual outputs std 0.02/sqrt(2L)', () => {
    const dir = join(root, 'model');
    const config = writeInitialModel(dir, tokenizerDir, shapes);
    expect(config.vocabSize).toBe(loadTokenizer(tokenizerDir).vocabSize);
    expect(existsSync(join(dir, 'tokenizer.json'))).toBe(true);
    const weights = openWeights(dir);
    const std = (values: Float32Array) => Math.sqrt(values.reduce((a, v) => a + v * v, 0) / values.length);
    expect([...weights.float32('model.norm.weight')].every((v) => v === 1)).toBe(true);
    expect(std(weights.float32('model.layers.0.self_attn.q_proj.weight'))).toBeCloseTo(0.02, 2);
    expect(std(weights.float32('model.layers.1.mlp.down_proj.weight'))).toBeCloseTo(0.02 / 2, 2);
    weights.close();
  });

  it('refuses shapes that do not split into heads, and a folder without tokenizer.json, leaving nothing behind', () => {
    expect(codeOf(() => writeInitialModel(join(root, 'bad'), tokenizerDir, { ...shapes, numHeads: 5 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => writeInitialModel(join(root, 'bad'), tokenizerDir, { ...shapes, hiddenSize: -1 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => writeInitialModel(join(root, 'bad'), join(root, 'nowhere'), shapes))).toBe('FILE_NOT_FOUND');
    expect(existsSync(join(root, 'bad'))).toBe(false);
  });
});
