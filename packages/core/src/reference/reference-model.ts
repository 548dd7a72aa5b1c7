import { PlugboardError } from '../errors/plugboard-error.ts';
import type { ModelConfig } from '../hf/config.ts';
import type { WeightSource } from '../hf/weight-source.ts';
import type { LoraModule } from '../adapters/lora/lora-modules.ts';
import { frequenciesAt } from '../model/rotary-frequencies.ts';
import type { RotaryFrequencies } from '../model/rotary-frequencies.ts';
import { ACTIVATIONS } from './activations.ts';
import { causalAttention } from './attention.ts';
import type { AttentionShape } from './attention.ts';
import { concatenate, emptyReferenceCache } from './kv-cache.ts';
import type { ReferenceKvCache, ReferenceLayerKv, ReferenceRowCache } from './kv-cache.ts';
import { linear } from './linear.ts';
import { RowAdapters, validateReferenceAdapters } from './reference-adapters.ts';
import type { ReferenceAdapters } from './reference-adapters.ts';
import { loadReferenceWeights } from './reference-weights.ts';
import type { ReferenceLayerWeights, ReferenceWeights } from './reference-weights.ts';
import { rmsNorm } from './rms-norm.ts';
import { applyRotary } from './rotary.ts';

export interface ReferenceForwardInput {
  /** B rows of token ids; rows may differ in length */
  inputIds: number[][];
  /** per row, per token; default: continue from the row's cache length (0, 1, 2, ... without a cache) */
  positionIds?: number[][];
  /** the cache a previous forward returned, one row per input row */
  cache?: ReferenceKvCache;
  adapters?: ReferenceAdapters;
}

export interface ReferenceForwardOutput {
  /** per row: [S_b, vocabSize] row-major */
  logits: Float32Array[];
  /** per row: [S_b, hiddenSize], the last layer's output after the final norm */
  hiddenStates: Float32Array[];
  /** the input cache extended by this forward's tokens (the input cache is left untouched) */
  cache: ReferenceKvCache;
}

interface RowResult {
  logits: Float32Array;
  hiddenStates: Float32Array;
  cache: ReferenceRowCache;
}

function badInput(message: string): PlugboardError {
  return new PlugboardError('INVALID_ARGUMENT', `reference forward: ${message}`);
}

function addInPlace(target: Float32Array, addend: Float32Array): void {
  for (let i = 0; i < target.length; i++) target[i] += addend[i];
}

/**
 * The Llama-family forward pass (llama, qwen2, qwen3, mistral) in plain
 * Float32Array code, written straight from the math: the independent path
 * the ONNX graphs are checked against. Clarity over speed: one row at a
 * time, float64 accumulation, float32 storage.
 */
export class ReferenceModel {
  private readonly weights: ReferenceWeights;
  private readonly attentionShape: AttentionShape;
  private readonly rotary: (position: number) => RotaryFrequencies;

  constructor(
    readonly config: ModelConfig,
    weightSource: WeightSource,
  ) {
    this.weights = loadReferenceWeights(config, weightSource);
    this.attentionShape = {
      numHeads: config.numHeads,
      numKvHeads: config.numKvHeads,
      headDim: config.headDim,
      slidingWindow: config.slidingWindow,
    };
    this.rotary = frequenciesAt(config);
  }

  forward(input: ReferenceForwardInput): ReferenceForwardOutput {
    const { inputIds, adapters } = input;
    const cache = input.cache ?? emptyReferenceCache(this.config, inputIds.length);
    const positionIds = input.positionIds ?? inputIds.map((ids, b) => ids.map((_, t) => (cache.rows[b]?.length ?? 0) + t));
    this.validate(inputIds, positionIds, cache);
    if (adapters) validateReferenceAdapters(this.config, adapters, inputIds.map((ids) => ids.length));
    const rows = inputIds.map((ids, b) => {
      const rowAdapters = adapters
        ? new RowAdapters(this.config, adapters, adapters.adapterIndex[b], adapters.adapterMask?.[b] ?? ids.map(() => 1))
        : undefined;
      return this.forwardRow(ids, positionIds[b], cache.rows[b], rowAdapters);
    });
    return {
      logits: rows.map((r) => r.logits),
      hiddenStates: rows.map((r) => r.hiddenStates),
      cache: { rows: rows.map((r) => r.cache) },
    };
  }

  private validate(inputIds: number[][], positionIds: number[][], cache: ReferenceKvCache): void {
    const { vocabSize, numLayers } = this.config;
    if (inputIds.length === 0) throw badInput('inputIds has no rows; pass at least one row of token ids');
    if (positionIds.length !== inputIds.length) {
      throw badInput(`positionIds has ${positionIds.length} rows but inputIds has ${inputIds.length}`);
    }
    if (cache.rows.length !== inputIds.length) {
      throw badInput(`the cache has ${cache.rows.length} rows but inputIds has ${inputIds.length}`);
    }
    inputIds.forEach((ids, b) => {
      const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
      if (bad !== undefined) throw badInput(`token id ${bad} in row ${b} is outside the vocabulary [0, ${vocabSize})`);
      if (positionIds[b].length !== ids.length) {
        throw badInput(`positionIds[${b}] has ${positionIds[b].length} values for ${ids.length} tokens`);
      }
      if (!positionIds[b].every(Number.isInteger)) throw badInput(`positionIds[${b}] holds a non-integer`);
      if (cache.rows[b].layers.length !== numLayers) {
        throw badInput(`cache row ${b} has ${cache.rows[b].layers.length} layers; the model has ${numLayers}`);
      }
    });
  }

  private forwardRow(ids: number[], positions: number[], past: ReferenceRowCache, adapters?: RowAdapters): RowResult {
    const { hiddenSize: d, rmsNormEps: eps, vocabSize } = this.config;
    const tokens = ids.length;
    const hidden = new Float32Array(tokens * d);
    ids.forEach((id, t) => hidden.set(this.weights.embedTokens.subarray(id * d, (id + 1) * d), t * d));
    const layers = this.weights.layers.map((weights, layer) => {
      const block = { layer, weights, tokens, adapters };
      const { output, kv } = this.attentionBlock(block, rmsNorm(hidden, tokens, d, weights.inputNorm, eps), positions, past);
      addInPlace(hidden, output);
      addInPlace(hidden, this.mlpBlock(block, rmsNorm(hidden, tokens, d, weights.postAttentionNorm, eps)));
      return kv;
    });
    const hiddenStates = rmsNorm(hidden, tokens, d, this.weights.finalNorm, eps);
    return {
      logits: linear(hiddenStates, tokens, this.weights.lmHead, vocabSize, d),
      hiddenStates,
      cache: { length: past.length + tokens, layers },
    };
  }

  private attentionBlock(
    block: LayerBlock,
    x: Float32Array,
    positions: number[],
    past: ReferenceRowCache,
  ): { output: Float32Array; kv: ReferenceLayerKv } {
    const { hiddenSize: d, numHeads, numKvHeads, headDim, rmsNormEps: eps } = this.config;
    const { weights: w, tokens } = block;
    const qWidth = numHeads * headDim;
    const kvWidth = numKvHeads * headDim;
    let q = this.project(block, 'q', x, w.q, qWidth, d, w.qBias);
    let k = this.project(block, 'k', x, w.k, kvWidth, d, w.kBias);
    const v = this.project(block, 'v', x, w.v, kvWidth, d, w.vBias);
    if (w.qNorm && w.kNorm) {
      // qwen3: per-head RMSNorm over head_dim, before rotary
      q = rmsNorm(q, tokens * numHeads, headDim, w.qNorm, eps);
      k = rmsNorm(k, tokens * numKvHeads, headDim, w.kNorm, eps);
    }
    q = applyRotary(q, positions, numHeads, headDim, this.rotary);
    k = applyRotary(k, positions, numKvHeads, headDim, this.rotary);
    const pastKv = past.layers[block.layer];
    const kv = { keys: concatenate(pastKv.keys, k), values: concatenate(pastKv.values, v) };
    const attended = causalAttention(q, tokens, kv.keys, kv.values, past.length, this.attentionShape);
    return { output: this.project(block, 'o', attended, w.o, d, qWidth, w.oBias), kv };
  }

  /** down(act(gate(x)) * up(x)) (act: hidden_act), plus the layer's bottleneck adapter on its output. */
  private mlpBlock(block: LayerBlock, x: Float32Array): Float32Array {
    const { hiddenSize: d, intermediateSize: ff, hiddenAct } = this.config;
    const { weights: w, tokens } = block;
    const act = ACTIVATIONS[hiddenAct];
    const gate = this.project(block, 'gate', x, w.gate, ff, d, w.gateBias);
    const up = this.project(block, 'up', x, w.up, ff, d, w.upBias);
    const gated = new Float32Array(gate.length);
    for (let i = 0; i < gated.length; i++) gated[i] = act(gate[i]) * up[i];
    const output = this.project(block, 'down', gated, w.down, d, ff, w.downBias);
    block.adapters?.addBottleneck(output, tokens, block.layer);
    return output;
  }

  /** A projection plus its LoRA slot, if the row has adapters. */
  private project(
    block: LayerBlock,
    module: LoraModule,
    x: Float32Array,
    weight: Float32Array,
    outFeatures: number,
    inFeatures: number,
    bias?: Float32Array,
  ): Float32Array {
    const y = linear(x, block.tokens, weight, outFeatures, inFeatures, bias);
    block.adapters?.addLora(y, x, block.tokens, block.layer, module);
    return y;
  }
}

interface LayerBlock {
  layer: number;
  weights: ReferenceLayerWeights;
  tokens: number;
  adapters: RowAdapters | undefined;
}
