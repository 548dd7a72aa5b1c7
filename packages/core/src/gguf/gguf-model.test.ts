/**
 * GGUF in: a GGUF written from a fixture (the way convert_hf_to_gguf +
 * llama-quantize would) loads to the same model as the safetensors folder —
 * F32 bit for bit, Q8_0/Q4_0 exactly as the reference forward on the
 * dequantized weights, and within the quantization error of the original.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import type { FixtureOptionsInput } from '../fixtures/fixture-options.ts';
import { rejectsWithCode, useTempDir } from '../testing/test-helpers.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import { openWeights } from '../hf/safetensors-weights.ts';
import { maxAbsDiff } from '../reference/max-abs-diff.ts';
import { ReferenceModel } from '../reference/reference-model.ts';
import { compareWithReference } from '../runtime/compare-with-reference.ts';
import { KvCache } from '../runtime/kv-cache.ts';
import type { Model } from '../runtime/load-model.ts';
import { loadModel } from '../runtime/load-model.ts';
import { createSession } from '../graph/ort-session.ts';
import { writeOnnxModel } from '../graph/write-onnx-model.ts';
import { buildInferenceGraph } from '../model/inference-graph.ts';
import type { LoadModelOptions } from '../runtime/load-options.ts';
import { runStep } from '../runtime/step.ts';
import type { SupportedGgmlTypeName } from './ggml-types.ts';
import { GgufFile } from './gguf-file.ts';
import { GgufWeights } from './gguf-weights.ts';
import { ggufFromHfFolder } from './testing/gguf-writer.ts';

const tmp = useTempDir('gguf-model');
const cacheDir = join(tmp, 'graphs');
const opened: Model[] = [];
afterAll(async () => {
  for (const model of opened) await model.dispose();
});

const PROMPT = [3, 17, 101, 250, 42, 7, 300];
const TEXTS = ['hello world', 'The answer is 42.\nNext line', '<|im_start|>user\nhi<|im_end|>', '  spaces   and tabs\t!', 'ünïcödé ✓'];

let counter = 0;
function fixture(options: FixtureOptionsInput = {}) {
  return writeFixtureModel(join(tmp, `fixture-${counter++}`), { ...TINY_SHAPES, seed: 21, ...options });
}

function gguf(dir: string, type: SupportedGgmlTypeName): string {
  const path = join(tmp, `model-${counter++}-${type}.gguf`);
  ggufFromHfFolder(dir, path, { type });
  return path;
}

async function load(idOrDir: string): Promise<Model> {
  const model = await loadModel(idOrDir, { logits: 'all', cacheDir, intraOpNumThreads: 1 });
  opened.push(model);
  return model;
}

async function loadQuantized(path: string, options: Pick<LoadModelOptions, 'dtype' | 'quantBlockSize'>): Promise<Model> {
  const model = await loadModel(path, { logits: 'all', cacheDir, intraOpNumThreads: 1, ...options });
  opened.push(model);
  return model;
}

/** Every logit of one prompt, through the graph. */
async function logits(model: Model): Promise<Float32Array> {
  const out = await runStep(model.session, KvCache.empty(model.config, 1), [{ tokens: PROMPT, adapterSlot: 0 }], model.slotFeeds());
  return out.logits.slice();
}

describe('loadModel(model.gguf)', () => {
  for (const architecture of ['qwen2', 'llama'] as const) {
    it(`${architecture} F32: the same config, weights and logits as the safetensors folder, bit for bit${architecture === 'llama' ? ' (q/k rows un-permuted)' : ''}`, async () => {
      const { dir } = fixture({ architecture });
      const path = gguf(dir, 'F32');
      const [fromGguf, fromFolder] = [await load(path), await load(dir)];
      expect(fromGguf.config).toEqual({ ...fromFolder.config, eosTokenIds: fromGguf.config.eosTokenIds });
      expect(maxAbsDiff(await logits(fromGguf), await logits(fromFolder))).toBe(0);
      const weights = openWeights(dir);
      const reference = new ReferenceModel(fromFolder.config, weights);
      weights.close();
      expect(await compareWithReference(fromGguf, reference, { prompts: [PROMPT] })).toBeLessThan(1e-4);
    });
  }

  it('the llama converter really permutes q/k: read without un-permuting, the rows differ', () => {
    const { dir } = fixture({ architecture: 'llama' });
    const path = gguf(dir, 'F32');
    const weights = GgufWeights.open(path);
    const hf = openWeights(dir);
    const name = 'model.layers.0.self_attn.q_proj.weight';
    expect(maxAbsDiff(weights.float32(name), hf.float32(name))).toBe(0);
    const stored = new Float32Array(weights.file.read(weights.file.tensors.get('blk.0.attn_q.weight')!).buffer);
    expect(maxAbsDiff(stored, hf.float32(name))).toBeGreaterThan(0);
    weights.close();
    hf.close();
  });

  it('rebuilds the tokenizer and chat template from tokenizer.ggml.*: same ids, same text, same rendered chat', async () => {
    const { dir } = fixture();
    const [fromGguf, fromFolder] = [await load(gguf(dir, 'F32')), await load(dir)];
    for (const text of TEXTS) {
      const ids = fromFolder.tokenizer.encode(text);
      expect(fromGguf.tokenizer.encode(text), text).toEqual(ids);
      expect(fromGguf.tokenizer.decode(ids)).toBe(fromFolder.tokenizer.decode(ids));
    }
    const messages = [{ role: 'user' as const, content: 'Say hello' }];
    expect(fromGguf.encodePrompt({ messages })).toEqual(fromFolder.encodePrompt({ messages }));
    expect(fromGguf.tokenizer.eosTokenIds).toContain(fromFolder.tokenizer.tokenToId('<|im_end|>'));
    const [a, b] = [await fromGguf.complete({ messages }, { temperature: 0, maxTokens: 6 }), await fromFolder.complete({ messages }, { temperature: 0, maxTokens: 6 })];
    expect(a.tokens).toEqual(b.tokens);
  });

  it('the derived folder is reused for the same file and rebuilt when the file changes; new weights, new graph', async () => {
    const path = join(tmp, 'rewritten.gguf');
    ggufFromHfFolder(fixture({ seed: 1 }).dir, path, { type: 'F32' });
    const first = await load(path);
    expect((await load(path)).dir).toBe(first.dir);
    ggufFromHfFolder(fixture({ seed: 2 }).dir, path, { type: 'F32' });
    const second = await load(path);
    expect(second.dir).not.toBe(first.dir);
    expect(second.weightsFingerprint).not.toBe(first.weightsFingerprint);
    expect(second.graphPath).not.toBe(first.graphPath);
  });

  for (const type of ['F16', 'BF16'] as const) {
    it(`${type}: weights are the ${type} roundings of the fixture's, logits match the reference on them`, async () => {
      const { dir } = fixture({ architecture: 'llama' });
      const model = await load(gguf(dir, type));
      const weights = GgufWeights.open(join(model.dir, 'model.gguf'));
      const hf = openWeights(dir);
      const name = 'model.layers.1.mlp.down_proj.weight';
      const original = hf.float32(name);
      const rounded = weights.float32(name);
      const step = type === 'F16' ? 2 ** -10 : 2 ** -7;
      for (let i = 0; i < original.length; i++) expect(Math.abs(rounded[i]! - original[i]!)).toBeLessThanOrEqual(Math.abs(original[i]!) * step + 1e-7);
      expect(await compareWithReference(model, new ReferenceModel(model.config, weights), { prompts: [PROMPT] })).toBeLessThan(1e-4);
      weights.close();
      hf.close();
    });
  }

  const quantDiffs: Record<string, number> = {};
  for (const type of ['Q8_0', 'Q4_0'] as const) {
    it(`${type}: logits equal the reference forward on the dequantized weights, and stay within the quantization error of the original`, async () => {
      const { dir } = fixture({ architecture: 'qwen2' });
      const [model, original] = [await load(gguf(dir, type)), await load(dir)];
      const weights = GgufWeights.open(join(model.dir, 'model.gguf'));
      expect(weights.info('model.layers.0.self_attn.q_proj.weight').storedAs).toBe(type);
      expect(weights.info('model.layers.0.input_layernorm.weight').storedAs).toBe('F32');
      expect(await compareWithReference(model, new ReferenceModel(model.config, weights), { prompts: [PROMPT] })).toBeLessThan(1e-4);
      weights.close();
      const [q, full] = [await logits(model), await logits(original)];
      const scale = Math.max(...full.map(Math.abs));
      quantDiffs[type] = maxAbsDiff(q, full) / scale;
      // Q8_0 keeps ~1/127 of each block's range, Q4_0 ~1/8: relative logit errors well under those
      expect(quantDiffs[type]).toBeGreaterThan(0);
      expect(quantDiffs[type]).toBeLessThan(type === 'Q8_0' ? 0.02 : 0.5);
    });
  }
  it('Q4_0 loses more than Q8_0', () => {
    expect(quantDiffs.Q4_0).toBeGreaterThan(quantDiffs.Q8_0!);
  });

  for (const [type, dtype, bits] of [['Q4_0', 'int4', 4], ['Q8_0', 'int8', 8]] as const) {
    it(`${type} as ${dtype}: blocks taken over at block 32 — logits equal the reference on the GGUF's own values (≤ 1e-3), far closer than requantizing at block 64`, async () => {
      const path = gguf(fixture({ architecture: 'llama' }).dir, type);
      const direct = await loadQuantized(path, { dtype });
      const requantized = await loadQuantized(path, { dtype, quantBlockSize: 64 });
      expect(direct.buildOptions.quantization?.blockSize).toBe(32);
      expect(requantized.buildOptions.quantization?.blockSize).toBe(64);
      expect(direct.graphPath).not.toBe(requantized.graphPath); // the block size is part of the cache key
      const weights = GgufWeights.open(join(direct.dir, 'model.gguf'));
      const reference = new ReferenceModel(direct.config, weights);
      // accuracy_level 0 computes in fp32, so what is left is the weights (loadModel's level 4 also rounds activations to int8)
      const exact = async (blockSize: number) => {
        const quantization = { bits, blockSize, accuracyLevel: 0, lmHead: true };
        const graph = buildInferenceGraph(direct.config, weights, { quantization, adapters: null, hiddenStates: false, logits: 'all', prepackWeights: true, contextLength: null });
        const session = await createSession((await writeOnnxModel(graph, { dir: join(tmp, `graph-${counter++}`) })).modelPath, { intraOpNumThreads: 1 });
        const diff = await compareWithReference({ config: direct.config, session, slotFeeds: () => null }, reference, { prompts: [PROMPT] });
        await session.release();
        return diff;
      };
      const figures = {
        type,
        dtype,
        takenOverBlock32: await exact(32),
        requantizedBlock64: await exact(64),
        loadModelAccuracy4: { takenOverBlock32: await compareWithReference(direct, reference, { prompts: [PROMPT] }), requantizedBlock64: await compareWithReference(requantized, reference, { prompts: [PROMPT] }) },
      };
      weights.close();
      console.log(JSON.stringify(figures));
      expect(figures.takenOverBlock32).toBeLessThanOrEqual(1e-3);
      // the second quantization's error is gone
      expect(figures.requantizedBlock64).toBeGreaterThan(figures.takenOverBlock32 * 10);
    });
  }
});

describe('GGUF bad input', () => {
  const { dir } = fixture();
  const good = gguf(dir, 'F32');

  it('an unsupported quant type is UNSUPPORTED_DTYPE naming it', async () => {
    const path = join(tmp, 'q4k.gguf');
    ggufFromHfFolder(dir, path, { type: 'F32', extraTensors: [{ name: 'blk.0.ffn_extra.weight', dims: [256], type: 12, data: new Uint8Array(144) }] });
    const error = await rejectsWithCode(load(path), 'UNSUPPORTED_DTYPE');
    expect(error.message).toContain('Q4_K');
    expect(error.message).toContain('Q8_0');
  });

  it('a tensor with no place in the decoder, and llama3 rope_freqs, are UNSUPPORTED_FEATURE', async () => {
    const path = join(tmp, 'rope-freqs.gguf');
    ggufFromHfFolder(dir, path, { type: 'F32', extraTensors: [{ name: 'rope_freqs.weight', dims: [8], type: 0, data: new Uint8Array(32) }] });
    expect((await rejectsWithCode(load(path), 'UNSUPPORTED_FEATURE')).message).toContain('rope_freqs');
  });

  it('an unsupported architecture, a SentencePiece tokenizer, an unknown pre-tokenizer: each says what is supported', async () => {
    const broken = (name: string, key: string, value: string) => {
      const path = join(tmp, name);
      ggufFromHfFolder(dir, path, { type: 'F32', extraMetadata: [{ key, type: 'string', value }] });
      return path;
    };
    expect((await rejectsWithCode(load(broken('gemma.gguf', 'general.architecture', 'gemma')), 'UNSUPPORTED_ARCHITECTURE')).message).toContain('supported: llama, qwen2, qwen3');
    expect((await rejectsWithCode(load(broken('spm.gguf', 'tokenizer.ggml.model', 'llama')), 'UNSUPPORTED_FEATURE')).message).toContain('SentencePiece');
    const pre = join(tmp, 'pre.gguf');
    ggufFromHfFolder(dir, pre, { type: 'F32', pre: 'falcon' });
    expect((await rejectsWithCode(load(pre), 'UNSUPPORTED_FEATURE')).message).toContain('falcon');
  });

  it('a Q4_0 block whose f16 scale is Infinity is NUMERIC_ERROR naming the tensor, also when its blocks are taken over (int4)', async () => {
    const path = gguf(dir, 'Q4_0');
    const file = GgufFile.open(path);
    const tensor = file.tensors.get('blk.1.ffn_down.weight')!;
    file.close();
    const bytes = readFileSync(path);
    bytes.writeUInt16LE(0x7c00, tensor.fileOffset + 2 * 18); // the third block's d = +Infinity
    writeFileSync(path, bytes);
    const error = await rejectsWithCode(loadModel(path, { dtype: 'int4', cacheDir }), 'NUMERIC_ERROR');
    expect(error.message).toContain('model.layers.1.mlp.down_proj.weight');
    expect(error.message).toContain('Infinity');
  });

  it('not a GGUF, or a truncated one, is GGUF_CORRUPT; nothing half-written is left to load later', async () => {
    const notGguf = join(tmp, 'text.gguf');
    writeFileSync(notGguf, 'this is not a gguf file at all, just text');
    expect((await rejectsWithCode(load(notGguf), 'GGUF_CORRUPT')).message).toContain('magic');
    const truncated = join(tmp, 'truncated.gguf');
    const bytes = readFileSync(good);
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 1000));
    expect((await rejectsWithCode(load(truncated), 'GGUF_CORRUPT')).message).toContain('past the end');
    writeFileSync(truncated, bytes.subarray(0, 200));
    await rejectsWithCode(load(truncated), 'GGUF_CORRUPT');
    writeFileSync(truncated, bytes);
    expect((await load(truncated)).config.numLayers).toBe(TINY_SHAPES.numLayers);
  });
});
