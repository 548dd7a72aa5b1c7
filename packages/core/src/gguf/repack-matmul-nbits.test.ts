/**
 * GGUF Q4_0/Q8_0 blocks taken over as MatMulNBits blocks: the repacked blob
 * dequantizes (by our MatMulNBits reference, dequantizeMatMulNBits) to
 * exactly the values the GGUF blocks hold, q/k rows included, and the
 * build then reads no float copy of those weights.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import { tensorBytes } from '../graph/ir.ts';
import { CheckedWeights } from '../hf/checked-weights.ts';
import { readModelConfig } from '../hf/config.ts';
import { buildInferenceGraph } from '../model/inference-graph.ts';
import { dequantizeMatMulNBits } from '../quant/matmul-nbits.ts';
import { useTempDir } from '../testing/test-helpers.ts';
import type { SupportedGgmlTypeName } from './ggml-types.ts';
import { GgufFile } from './gguf-file.ts';
import { GgufWeights } from './gguf-weights.ts';
import { ggufFromHfFolder } from './testing/gguf-writer.ts';
import { hfConfigFromGguf } from './gguf-config.ts';

const tmp = useTempDir('gguf-repack');
let counter = 0;

function ggufOf(type: SupportedGgmlTypeName, architecture: 'llama' | 'qwen2'): string {
  const dir = join(tmp, `fixture-${counter}`);
  writeFixtureModel(dir, { ...TINY_SHAPES, seed: 5, architecture, tieWordEmbeddings: false });
  const path = join(tmp, `model-${counter++}.gguf`);
  ggufFromHfFolder(dir, path, { type });
  return path;
}

/** GgufWeights that remember which tensors were read as float32. */
class RecordingGgufWeights extends GgufWeights {
  readonly floatReads = new Set<string>();
  override float32(name: string): Float32Array {
    this.floatReads.add(name);
    return super.float32(name);
  }
}

const CASES = [
  ['Q4_0', 4],
  ['Q8_0', 8],
] as const;

describe('GgufWeights.quantized', () => {
  for (const [type, bits] of CASES) {
    for (const architecture of ['llama', 'qwen2'] as const) {
      it(`${type} ${architecture}: every 2-D weight's MatMulNBits blob dequantizes to exactly the GGUF block values${architecture === 'llama' ? ' (q/k rows un-permuted whole)' : ''}`, () => {
        const weights = GgufWeights.open(ggufOf(type, architecture));
        try {
          const matrices = weights.names().filter((name) => weights.info(name).shape.length === 2);
          expect(matrices).toContain('model.layers.0.self_attn.q_proj.weight');
          for (const name of matrices) {
            expect(weights.info(name).storedAs).toBe(type);
            const packed = weights.quantized(name, bits, 32)!;
            const [N, K] = weights.info(name).shape as [number, number];
            expect([packed.N, packed.K, packed.bits, packed.blockSize, packed.zeroPoints]).toEqual([N, K, bits, 32, undefined]);
            expect(packed.b.length).toBe((N * K * bits) / 8);
            // bit for bit: the same float32 numbers the file's own dequantization gives
            expect(dequantizeMatMulNBits(packed), name).toEqual(weights.float32(name));
          }
        } finally {
          weights.close();
        }
      });
    }

    it(`${type}: no take-over at other bits, another block size, or for 1-D tensors`, () => {
      const weights = GgufWeights.open(ggufOf(type, 'qwen2'));
      try {
        const name = 'model.layers.0.mlp.up_proj.weight';
        expect(weights.quantized(name, bits === 4 ? 8 : 4, 32)).toBeUndefined();
        expect(weights.quantized(name, bits, 64)).toBeUndefined();
        expect(weights.quantized('model.layers.0.input_layernorm.weight', bits, 32)).toBeUndefined();
        expect(weights.quantized('model.layers.0.self_attn.q_proj.bias', bits, 32)).toBeUndefined();
        expect(weights.quantizedBlockSize(bits)).toBe(32);
        expect(weights.quantizedBlockSize(bits === 4 ? 8 : 4)).toBeUndefined();
      } finally {
        weights.close();
      }
    });
  }

  it('an F32 GGUF offers no stored quantization', () => {
    const weights = GgufWeights.open(ggufOf('F32', 'llama'));
    try {
      expect(weights.quantizedBlockSize(4)).toBeUndefined();
      expect(weights.quantized('model.layers.0.mlp.up_proj.weight', 4, 32)).toBeUndefined();
    } finally {
      weights.close();
    }
  });

  for (const [type, bits] of CASES) {
    it(`${type} int${bits} build at block 32: no float32 copy of the projection weights is made, and their norms are still measured`, () => {
      const weights = new RecordingGgufWeights(GgufFile.open(ggufOf(type, 'llama')));
      try {
        const config = readModelConfig(writeConfig(weights));
        const checked = new CheckedWeights(weights);
        const graph = buildInferenceGraph(config, checked, { quantization: { bits, blockSize: 32, accuracyLevel: 4, lmHead: true }, adapters: null, hiddenStates: false, logits: 'last', prepackWeights: true, contextLength: null });
        for (const init of graph.initializers) tensorBytes(init.data);
        const projections = weights.names().filter((name) => weights.info(name).shape.length === 2 && name !== 'model.embed_tokens.weight');
        expect(projections).toContain('lm_head.weight');
        expect(projections.filter((name) => weights.floatReads.has(name))).toEqual([]);
        // the embedding table is gathered in fp32, so it (and only such tensors) is read as floats
        expect(weights.floatReads.has('model.embed_tokens.weight')).toBe(true);
        for (const name of projections) {
          const values = weights.float32(name);
          const norm = Math.sqrt(values.reduce((s, v) => s + v * v, 0));
          expect(checked.norms.get(name)! / norm, name).toBeCloseTo(1, 6);
        }
      } finally {
        weights.close();
      }
    });
  }

  it('the same build at block 64 (no take-over) does read the projections as floats: the check above can fail', () => {
    const weights = new RecordingGgufWeights(GgufFile.open(ggufOf('Q4_0', 'llama')));
    try {
      const config = readModelConfig(writeConfig(weights));
      const graph = buildInferenceGraph(config, new CheckedWeights(weights), { quantization: { bits: 4, blockSize: 64, accuracyLevel: 4, lmHead: true }, adapters: null, hiddenStates: false, logits: 'last', prepackWeights: true, contextLength: null });
      for (const init of graph.initializers) tensorBytes(init.data);
      expect(weights.floatReads.has('model.layers.0.self_attn.q_proj.weight')).toBe(true);
    } finally {
      weights.close();
    }
  });
});

/** A folder holding the GGUF's config.json, for readModelConfig. */
function writeConfig(weights: GgufWeights): string {
  const dir = join(tmp, `config-${counter++}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(hfConfigFromGguf(weights.file)));
  return dir;
}
