import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adapterLayers, bottleneckInputNames, writePlugboardBottleneck, writeSafetensors } from '@plugboard/core';
import type { BottleneckWeights, ModelConfig } from '@plugboard/core';
import { layerImportanceSvg } from '../methods/layer-importance-svg.ts';
import { lossCurveSvg } from './loss-curve-svg.ts';
import type { TrainResult } from './trainer.ts';
import { writePeftAdapter } from './write-peft-adapter.ts';

/** What a model folder carries besides config and weights: copied from the base (or tokenizer folder) as they are. */
export const MODEL_SIDE_FILES = ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'special_tokens_map.json'];

export interface OutputOptions {
  /** the base model folder: its config.json and tokenizer files are copied for `full` */
  baseModelDir?: string;
  baseModelName?: string | null;
  /** the base weights' fingerprint (WeightSource.fingerprint()), recorded in the adapter files */
  baseFingerprint?: string | null;
  /** extra numbers to store in metrics.json (e.g. exact-match accuracy) */
  metrics?: Record<string, number | string | null>;
}

/** config.json for a model trained from scratch (no base folder to copy it from). */
export function hfConfigOf(config: ModelConfig): Record<string, unknown> {
  return {
    model_type: config.architecture,
    hidden_size: config.hiddenSize,
    num_hidden_layers: config.numLayers,
    num_attention_heads: config.numHeads,
    num_key_value_heads: config.numKvHeads,
    head_dim: config.headDim,
    intermediate_size: config.intermediateSize,
    vocab_size: config.vocabSize,
    max_position_embeddings: config.maxPositionEmbeddings,
    rms_norm_eps: config.rmsNormEps,
    rope_theta: config.ropeTheta,
    tie_word_embeddings: config.tieWordEmbeddings,
    attention_bias: config.attentionBias,
    hidden_act: 'silu',
    sliding_window: config.slidingWindow,
    bos_token_id: config.bosTokenId,
    eos_token_id: config.eosTokenIds,
    torch_dtype: 'float32',
  };
}

function writeDenseModel(dir: string, config: ModelConfig, result: TrainResult, options: OutputOptions): void {
  const names = result.plan.trainable;
  writeSafetensors(
    join(dir, 'model.safetensors'),
    names.map((name) => ({ name, dtype: 'F32', shape: [...result.store.shapeOf(name)], values: result.store.get(name) })),
    { metadata: { format: 'pt' } },
  );
  const base = options.baseModelDir;
  if (base !== undefined && existsSync(join(base, 'config.json'))) copyFileSync(join(base, 'config.json'), join(dir, 'config.json'));
  else writeFileSync(join(dir, 'config.json'), `${JSON.stringify(hfConfigOf(config), null, 2)}\n`);
  for (const file of MODEL_SIDE_FILES) {
    if (base !== undefined && existsSync(join(base, file))) copyFileSync(join(base, file), join(dir, file));
  }
}

/** A trained bottleneck adapter in our documented layout (core's writer: plugboard_adapter.json + adapter_model.safetensors), which readAdapter reads. */
function writeBottleneck(dir: string, config: ModelConfig, result: TrainResult, options: OutputOptions): void {
  const spec = result.plan.graphMethod.bottleneck;
  if (!spec) return;
  const weights = new Map<number, BottleneckWeights>();
  for (const layer of adapterLayers(config, spec)) {
    // one convention for both graphs: down [d, m], up [m, d], what BottleneckWeights holds
    const names = bottleneckInputNames(layer);
    weights.set(layer, {
      down: result.store.get(names.down),
      downBias: result.store.get(names.downBias),
      up: result.store.get(names.up),
      upBias: result.store.get(names.upBias),
    });
  }
  writePlugboardBottleneck(
    dir,
    { width: spec.width, activation: spec.activation, weights, baseFingerprint: options.baseFingerprint ?? null },
    { baseModelName: options.baseModelName ?? null },
  );
}

/** The manifest entry of the adapter a training writes, or null when it trains the whole model. */
export type TrainedAdapterFormat = { kind: 'lora'; format: 'peft' } | { kind: 'adapter'; format: 'plugboard' } | null;

/**
 * Writes the trained adapter into `dir`: PEFT for LoRA (lora, lisa), our
 * bottleneck layout for adapter; both record the base fingerprint in the
 * safetensors metadata. Returns what it wrote (null: the method has no adapter).
 */
export function writeTrainedAdapter(dir: string, config: ModelConfig, result: TrainResult, options: OutputOptions = {}): TrainedAdapterFormat {
  const { graphMethod } = result.plan;
  if (graphMethod.lora) {
    writePeftAdapter(dir, config, graphMethod.lora, result.store, { baseModelName: options.baseModelName ?? null, baseFingerprint: options.baseFingerprint ?? null });
    return { kind: 'lora', format: 'peft' };
  }
  if (graphMethod.bottleneck) {
    writeBottleneck(dir, config, result, options);
    return { kind: 'adapter', format: 'plugboard' };
  }
  return null;
}

/** metrics.json, loss-curve.json, loss-curve.svg and, for lisa, the probe's layer ranking (layer-importance.json). */
export function writeTrainingReport(dir: string, result: TrainResult, extraMetrics: OutputOptions['metrics'] = {}): void {
  mkdirSync(dir, { recursive: true });
  const { plan, state } = result;
  if (plan.importance) writeFileSync(join(dir, 'layer-importance.json'), `${JSON.stringify(plan.importance, null, 2)}\n`);
  if (plan.importance) writeFileSync(join(dir, 'layer-importance.svg'), layerImportanceSvg(plan.importance));
  const metrics = {
    method: plan.kind,
    steps: state.step,
    stopReason: result.stopReason,
    ...(result.restoredBestStep === undefined ? {} : { parametersFromStep: result.restoredBestStep }),
    trainableParameters: result.trainableParameters,
    finalTrainLoss: state.curve.at(-1)?.loss ?? null,
    finalEvalLoss: state.evals.at(-1)?.loss ?? null,
    bestEvalLoss: state.bestEval,
    ...extraMetrics,
  };
  writeFileSync(join(dir, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  writeFileSync(join(dir, 'loss-curve.json'), `${JSON.stringify({ train: state.curve, eval: state.evals }, null, 2)}\n`);
  writeFileSync(join(dir, 'loss-curve.svg'), lossCurveSvg(state.curve, state.evals));
}

/**
 * The training's raw deliverables in `dir`: a PEFT adapter folder (lora,
 * lisa), a bottleneck adapter (adapter) or a dense HF model folder (full,
 * lisa-sampling), with the report files beside them (see writeTrainingReport).
 * writeSkillPackage makes a skill package instead.
 */
export function writeTrainingOutput(dir: string, config: ModelConfig, result: TrainResult, options: OutputOptions = {}): void {
  mkdirSync(dir, { recursive: true });
  if (writeTrainedAdapter(dir, config, result, options) === null) writeDenseModel(dir, config, result, options);
  writeTrainingReport(dir, result, options.metrics);
}
