import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ModelConfigSchema, PlugboardError, SeededRandom, deriveSeed, expectedWeightShapes, loadTokenizer, writeFileAtomic, writeSafetensors } from '@plugboard/core';
import type { ModelConfig, TensorToWrite } from '@plugboard/core';
import { z } from 'zod';
import { MODEL_SIDE_FILES, hfConfigOf } from '../trainer/write-training-output.ts';

/** The shapes of a model to pretrain from scratch; the vocabulary comes from the tokenizer. */
export const InitModelOptionsSchema = z.strictObject({
  architecture: z.enum(['llama', 'qwen2']).default('llama'),
  hiddenSize: z.number().int().positive(),
  numLayers: z.number().int().positive(),
  numHeads: z.number().int().positive(),
  numKvHeads: z.number().int().positive(),
  intermediateSize: z.number().int().positive(),
  maxPositionEmbeddings: z.number().int().positive().default(1024),
  ropeTheta: z.number().positive().default(10_000),
  tieWordEmbeddings: z.boolean().default(true),
  /** standard deviation of every matrix; the residual outputs (o_proj, down_proj) get std / sqrt(2 · layers), as GPT-2 does */
  initStd: z.number().positive().default(0.02),
  seed: z.number().int().nonnegative().default(0),
});
export type InitModelOptions = z.infer<typeof InitModelOptionsSchema>;

const RESIDUAL_OUTPUTS = /\.(o_proj|down_proj)\.weight$/;

function stdOf(name: string, config: ModelConfig, std: number): number | null {
  if (name.endsWith('norm.weight')) return null; // ones
  if (name.endsWith('.bias')) return 0;
  if (RESIDUAL_OUTPUTS.test(name)) return std / Math.sqrt(2 * config.numLayers);
  return std;
}

/** The starting weights of a pretraining run: small normals, norms at 1, biases at 0. */
export function initialTensors(config: ModelConfig, initStd: number, seed: number): TensorToWrite[] {
  return [...expectedWeightShapes(config)].map(([name, shape]) => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const std = stdOf(name, config, initStd);
    if (std === null) values.fill(1);
    else if (std > 0) new SeededRandom(deriveSeed(seed, name)).fillNormal(values, 0, std);
    return { name, dtype: 'F32', shape, values };
  });
}

/**
 * Writes a Llama-family model folder to pretrain with `plugboard train
 * --method full`: config.json sized to the tokenizer in `tokenizerDir`
 * (its vocabulary, BOS/EOS), freshly initialized weights and the tokenizer
 * files. Built beside `dir` and renamed in, so a failure leaves nothing half-written.
 */
export function writeInitialModel(dir: string, tokenizerDir: string, input: z.input<typeof InitModelOptionsSchema>): ModelConfig {
  const parsed = InitModelOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlugboardError('INVALID_ARGUMENT', `model option "${issue?.path.join('.')}" is invalid: ${issue?.message}`);
  }
  const options = parsed.data;
  if (options.hiddenSize % options.numHeads !== 0 || options.numHeads % options.numKvHeads !== 0) {
    throw new PlugboardError('INVALID_ARGUMENT', `hidden size ${options.hiddenSize} must split into ${options.numHeads} heads, and the heads into ${options.numKvHeads} KV groups`);
  }
  if (!existsSync(join(tokenizerDir, 'tokenizer.json'))) throw new PlugboardError('FILE_NOT_FOUND', `no tokenizer.json in ${tokenizerDir}; train one with \`plugboard tokenizer train\``);
  const tokenizer = loadTokenizer(tokenizerDir);
  const config = ModelConfigSchema.parse({
    architecture: options.architecture,
    hiddenSize: options.hiddenSize,
    numLayers: options.numLayers,
    numHeads: options.numHeads,
    numKvHeads: options.numKvHeads,
    headDim: options.hiddenSize / options.numHeads,
    intermediateSize: options.intermediateSize,
    vocabSize: tokenizer.vocabSize,
    maxPositionEmbeddings: options.maxPositionEmbeddings,
    rmsNormEps: 1e-5,
    ropeTheta: options.ropeTheta,
    tieWordEmbeddings: options.tieWordEmbeddings,
    attentionBias: options.architecture === 'qwen2',
    qkNorm: false,
    slidingWindow: null,
    bosTokenId: tokenizer.bosTokenId,
    eosTokenIds: tokenizer.eosTokenIds,
  });
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    writeFileAtomic(join(staging, 'config.json'), `${JSON.stringify(hfConfigOf(config), null, 2)}\n`);
    writeSafetensors(join(staging, 'model.safetensors'), initialTensors(config, options.initStd, options.seed), { metadata: { format: 'pt' } });
    for (const file of MODEL_SIDE_FILES) if (existsSync(join(tokenizerDir, file))) copyFileSync(join(tokenizerDir, file), join(staging, file));
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return config;
}
