import { GraphBuilder } from '../graph/graph-builder.ts';
import type { Graph } from '../graph/ir.ts';
import { attr, bytesOf } from '../graph/ir.ts';
import type { ModelConfig } from '../hf/config.ts';
import { GLOBAL_WEIGHT_NAMES, layerWeightNames } from '../hf/config.ts';
import type { WeightSource } from '../hf/weight-source.ts';
import { adapterLayers } from '../adapters/layer-selection.ts';
import type { LoraModule } from '../adapters/lora/lora-modules.ts';
import { addSlotLora } from '../adapters/lora/lora-ops.ts';
import type { AdapterContext } from '../adapters/slot-context.ts';
import { slotTensorSpecs } from './adapter-slots.ts';
import { activate } from './activate.ts';
import { addSlotBottleneck } from '../adapters/bottleneck/bottleneck-ops.ts';
import { InferenceBuildOptionsSchema } from './build-options.ts';
import type { InferenceBuildOptions, InferenceBuildOptionsInput } from './build-options.ts';
import { concatenated, fusedProjection, inPlaceMatMul, projection } from './projection.ts';
import { rotaryTables } from './rotary-tables.ts';

export const GRAPH_INPUTS = {
  inputIds: 'input_ids',
  attentionMask: 'attention_mask',
  positionIds: 'position_ids',
  adapterIndex: 'adapter_index',
  adapterMask: 'adapter_mask',
  pastKey: (layer: number) => `past_key_values.${layer}.key`,
  pastValue: (layer: number) => `past_key_values.${layer}.value`,
} as const;

export const GRAPH_OUTPUTS = {
  logits: 'logits',
  hiddenStates: 'hidden_states',
  presentKey: (layer: number) => `present.${layer}.key`,
  presentValue: (layer: number) => `present.${layer}.value`,
  /** just this run's new keys/values, [B, kvH, S, hd]: what the runtime fetches instead of the whole present */
  appendedKey: (layer: number) => `kv_appended.${layer}.key`,
  appendedValue: (layer: number) => `kv_appended.${layer}.value`,
} as const;

/**
 * The Llama-family inference graph of DESIGN.md's IO contract: fused contrib
 * ops (GroupQueryAttention with KV cache, (Skip)SimplifiedLayerNormalization,
 * RotaryEmbedding, optional MatMulNBits) plus adapter slots as plain inputs.
 */
export function buildInferenceGraph(config: ModelConfig, weights: WeightSource, options: InferenceBuildOptionsInput): Graph {
  return new InferenceGraphWriter(config, weights, InferenceBuildOptionsSchema.parse(options)).write();
}

/** A masked score: exp() of it minus any real score is exactly 0. */
const MASKED_SCORE = -1e30;

interface GqaInputs {
  kind: 'gqa';
  seqlensK: string;
  totalLength: string;
  appendedIndex: string;
}

interface MatmulAttentionInputs {
  kind: 'matmul';
  pastMask: string;
  newMask: string;
  splitSizes: string;
}

type AttentionInputs = GqaInputs | MatmulAttentionInputs;

class InferenceGraphWriter {
  private readonly b = new GraphBuilder('plugboard-decoder');
  private adapters: AdapterContext | null = null;
  private readonly loraAt = new Set<string>();
  private readonly bottleneckAt = new Set<number>();

  constructor(
    private readonly config: ModelConfig,
    private readonly weights: WeightSource,
    private readonly options: InferenceBuildOptions,
  ) {}

  write(): Graph {
    const { b, config } = this;
    const kvDims = ['batch', config.numKvHeads, 'past_sequence', config.headDim];
    const inputIds = b.input(GRAPH_INPUTS.inputIds, 'int64', ['batch', 'sequence']);
    const attentionMask = b.input(GRAPH_INPUTS.attentionMask, 'int64', ['batch', 'total_sequence']);
    const positionIds = b.input(GRAPH_INPUTS.positionIds, 'int64', ['batch', 'sequence']);
    for (let i = 0; i < config.numLayers; i++) {
      b.input(GRAPH_INPUTS.pastKey(i), 'float32', kvDims);
      b.input(GRAPH_INPUTS.pastValue(i), 'float32', kvDims);
    }
    this.declareAdapterInputs();

    const lengths = b.op1('ReduceSum', [attentionMask, b.constant('int64', [1])], { keepdims: attr.int(0) });
    // this run's tokens per row (the padded chunk length), [1]
    const chunk = this.dim(inputIds, 1);
    // positions each row held before this run: max(len - S, 0) (a first, right-padded chunk starts at 0)
    const cached = b.op1('Max', [b.op1('Sub', [lengths, chunk]), b.constant('int64', [0], [])]);
    const attentionInputs = this.options.attention === 'matmul' && config.slidingWindow == null ? this.matmulAttentionInputs(chunk, cached) : this.gqaInputs(attentionMask, chunk, lengths, cached);

    const rotary = rotaryTables(config, this.options.contextLength ?? config.maxPositionEmbeddings);
    const cos = b.initializer('rotary.cos', 'float32', [rotary.rows, rotary.half], bytesOf(rotary.cos));
    const sin = b.initializer('rotary.sin', 'float32', [rotary.rows, rotary.half], bytesOf(rotary.sin));

    // [1, V, d], gathered on axis 1: the layout a tied head reads in place (see lmHead)
    const embedding = this.embeddingTable();
    let residual = b.op1('Squeeze', [b.op1('Gather', [embedding, inputIds], { axis: attr.int(1) }), b.constant('int64', [0])]);
    let normed = b.op1('SimplifiedLayerNormalization', [residual, this.vector(layerWeightNames(0).inputNorm)], this.normAttrs());

    for (let layer = 0; layer < config.numLayers; layer++) {
      const names = layerWeightNames(layer);
      const attention = b.scope(`layers.${layer}/attn`, () =>
        this.attention(layer, normed, positionIds, cos, sin, attentionInputs),
      );
      [normed, residual] = this.skipNorm(attention, residual, names.postAttentionNorm);
      const mlp = b.scope(`layers.${layer}/mlp`, () => this.mlp(layer, normed));
      const nextNorm = layer + 1 < config.numLayers ? layerWeightNames(layer + 1).inputNorm : GLOBAL_WEIGHT_NAMES.finalNorm;
      [normed, residual] = this.skipNorm(mlp, residual, nextNorm);
    }
    const hidden = normed;

    if (this.options.hiddenStates) {
      b.op1('Identity', [hidden], {}, { output: 'hidden_states' });
      b.output('hidden_states', 'float32', ['batch', 'sequence', config.hiddenSize]);
    }
    const head = this.options.logits === 'last' ? this.lastTokenOf(hidden, chunk, lengths) : hidden;
    this.lmHead(head);
    b.output('logits', 'float32', ['batch', this.options.logits === 'last' ? 1 : 'sequence', config.vocabSize]);
    return b.build();
  }

  private declareAdapterInputs(): void {
    const layout = this.options.adapters;
    if (!layout) return;
    const { b, config } = this;
    const index = b.input(GRAPH_INPUTS.adapterIndex, 'int64', ['batch']);
    const mask = b.input(GRAPH_INPUTS.adapterMask, 'float32', ['batch', 'sequence']);
    for (const spec of slotTensorSpecs(config, layout)) b.input(spec.name, 'float32', spec.dims);
    this.adapters = { index, mask: b.op1('Unsqueeze', [mask, b.constant('int64', [2])]) };
    if (layout.lora) {
      for (const layer of adapterLayers(config, layout.lora)) {
        for (const module of layout.lora.modules) this.loraAt.add(`${layer}.${module}`);
      }
    }
    if (layout.bottleneck) for (const layer of adapterLayers(config, layout.bottleneck)) this.bottleneckAt.add(layer);
  }

  private attention(layer: number, x: string, positionIds: string, cos: string, sin: string, inputs: AttentionInputs): string {
    const names = layerWeightNames(layer);
    const context = inputs.kind === 'matmul' ? this.matmulAttention(layer, x, positionIds, cos, sin, inputs) : this.groupQueryAttention(layer, x, positionIds, cos, sin, inputs);
    return this.linear(context, layer, 'o', names.o, this.config.outputBias ? names.oBias : null);
  }

  /** GroupQueryAttention over the cache, and this run's rows of its present.* as kv_appended.* */
  private groupQueryAttention(layer: number, x: string, positionIds: string, cos: string, sin: string, { seqlensK, totalLength, appendedIndex }: GqaInputs): string {
    const { b, config } = this;
    const fusedRotary = config.headDim % 16 === 0;
    const rotaryInputs = fusedRotary ? [cos, sin, positionIds] : [];
    const qkv = this.packedQkv(layer, x, fusedRotary) ?? this.separateQkv(layer, x, positionIds, cos, sin, fusedRotary);
    const [context] = b.op(
      'GroupQueryAttention',
      [...qkv, GRAPH_INPUTS.pastKey(layer), GRAPH_INPUTS.pastValue(layer), seqlensK, totalLength, ...rotaryInputs],
      {
        num_heads: attr.int(config.numHeads),
        kv_num_heads: attr.int(config.numKvHeads),
        scale: attr.float(1 / Math.sqrt(config.headDim)),
        local_window_size: attr.int(config.slidingWindow ?? -1),
        do_rotary: attr.int(fusedRotary ? 1 : 0),
        rotary_interleaved: attr.int(0),
      },
      { domain: 'com.microsoft', outputs: [`${b.name}/attn.${layer}`, GRAPH_OUTPUTS.presentKey(layer), GRAPH_OUTPUTS.presentValue(layer)] },
    );
    const kvDims = ['batch', config.numKvHeads, 'total_sequence', config.headDim];
    b.output(GRAPH_OUTPUTS.presentKey(layer), 'float32', kvDims);
    b.output(GRAPH_OUTPUTS.presentValue(layer), 'float32', kvDims);
    const appendedDims = ['batch', config.numKvHeads, 'sequence', config.headDim];
    for (const [present, appended] of [
      [GRAPH_OUTPUTS.presentKey(layer), GRAPH_OUTPUTS.appendedKey(layer)],
      [GRAPH_OUTPUTS.presentValue(layer), GRAPH_OUTPUTS.appendedValue(layer)],
    ] as const) {
      b.op1('GatherElements', [present, appendedIndex], { axis: attr.int(2) }, { output: appended });
      b.output(appended, 'float32', appendedDims);
    }
    return context as string;
  }

  /**
   * Attention as plain ops over the cache where it lies (`attention:
   * 'matmul'`): the query heads grouped by their key/value head, scores
   * against the past [B, kvH, capacity, hd] (positions from each row's
   * length on masked) and against this run's keys (causal), one softmax over
   * both, the context from both values. This run's rotated keys and values
   * are the kv_appended.* outputs; there is no present.*.
   */
  private matmulAttention(layer: number, x: string, positionIds: string, cos: string, sin: string, { pastMask, newMask, splitSizes }: MatmulAttentionInputs): string {
    const { b, config } = this;
    const { numKvHeads: kvHeads, headDim } = config;
    const group = config.numHeads / kvHeads;
    const [q, k, v] = this.separateQkv(layer, x, positionIds, cos, sin, false);
    const ints = (values: number[]) => b.constant('int64', values);
    // [B, S, H·hd] -> [B, kvH, G·S, hd]: query head h reads key/value head h / G
    const queries = b.op1('Reshape', [b.op1('Transpose', [b.op1('Reshape', [q, ints([0, 0, kvHeads, group, headDim])])], { perm: attr.ints([0, 2, 3, 1, 4]) }), ints([0, kvHeads, -1, headDim])]);
    const appendedDims = ['batch', kvHeads, 'sequence', headDim];
    const perKvHead = (t: string, output: string) => {
      b.op1('Transpose', [b.op1('Reshape', [t, ints([0, 0, kvHeads, headDim])])], { perm: attr.ints([0, 2, 1, 3]) }, { output });
      b.output(output, 'float32', appendedDims);
      return output;
    };
    const newKeys = perKvHead(k, GRAPH_OUTPUTS.appendedKey(layer));
    const newValues = perKvHead(v, GRAPH_OUTPUTS.appendedValue(layer));
    const scaledScores = (keys: string, mask: string) =>
      b.op1('Add', [b.op1('FusedMatMul', [queries, keys], { alpha: attr.float(1 / Math.sqrt(headDim)), transB: attr.int(1) }, { domain: 'com.microsoft' }), mask]);
    const scores = b.op1('Concat', [scaledScores(GRAPH_INPUTS.pastKey(layer), pastMask), scaledScores(newKeys, newMask)], { axis: attr.int(3) });
    const [pastProbs, newProbs] = b.op('Split', [b.op1('Softmax', [scores], { axis: attr.int(3) }), splitSizes], { axis: attr.int(3) }, { outputs: 2 }) as [string, string];
    const context = b.op1('Add', [b.op1('MatMul', [pastProbs, GRAPH_INPUTS.pastValue(layer)]), b.op1('MatMul', [newProbs, newValues])]);
    // [B, kvH, G·S, hd] -> [B, S, H·hd]
    return b.op1('Reshape', [b.op1('Transpose', [b.op1('Reshape', [context, ints([0, kvHeads, group, -1, headDim])])], { perm: attr.ints([0, 3, 1, 2, 4]) }), ints([0, 0, config.numHeads * headDim])]);
  }

  /** GroupQueryAttention's per-row key counts minus one (int32), total length, and where it writes this run's rows. */
  private gqaInputs(attentionMask: string, chunk: string, lengths: string, cached: string): GqaInputs {
    const { b } = this;
    const seqlensK = b.op1('Cast', [b.op1('Sub', [lengths, b.constant('int64', [1], [])])], { to: attr.int(6) });
    const totalLength = b.op1('Cast', [b.op1('Squeeze', [this.dim(attentionMask, 1)])], { to: attr.int(6) });
    return { kind: 'gqa', seqlensK, totalLength, appendedIndex: this.appendedPositions(chunk, cached) };
  }

  /**
   * The masks every layer's matmul attention adds to its scores: past
   * positions from each row's cached length on, [B, 1, 1, capacity];
   * this run's key j for grouped query row g·S + i unless j <= i, [G·S, S];
   * and the split of the softmax back into past and new, [capacity, S].
   */
  private matmulAttentionInputs(chunk: string, cached: string): MatmulAttentionInputs {
    const { b, config } = this;
    const zero = b.constant('int64', [0], []);
    const one = b.constant('int64', [1], []);
    const masked = (allowed: string) => b.op1('Where', [allowed, b.constant('float32', [0], []), b.constant('float32', [MASKED_SCORE], [])]);
    const capacity = this.dim(GRAPH_INPUTS.pastKey(0), 2);
    const pastPositions = b.op1('Range', [zero, b.op1('Squeeze', [capacity]), one]);
    const pastAllowed = b.op1('Less', [b.op1('Unsqueeze', [pastPositions, b.constant('int64', [0])]), b.op1('Unsqueeze', [cached, b.constant('int64', [1])])]);
    const pastMask = b.op1('Unsqueeze', [masked(pastAllowed), b.constant('int64', [1, 2])]);
    const newPositions = b.op1('Range', [zero, b.op1('Squeeze', [chunk]), one]);
    const queryPositions = b.op1('Tile', [newPositions, b.constant('int64', [config.numHeads / config.numKvHeads])]);
    const newAllowed = b.op1('LessOrEqual', [b.op1('Unsqueeze', [newPositions, b.constant('int64', [0])]), b.op1('Unsqueeze', [queryPositions, b.constant('int64', [1])])]);
    return { kind: 'matmul', pastMask, newMask: masked(newAllowed), splitSizes: b.op1('Concat', [capacity, chunk], { axis: attr.int(0) }) };
  }

  /**
   * q|k|v as the one fused projection GQA takes packed (empty key/value
   * inputs), so no Split copies them apart: possible when nothing acts on
   * q, k or v alone (qk-norm, a separate rotary, LoRA on one of them).
   */
  private packedQkv(layer: number, x: string, fusedRotary: boolean): [string, string, string] | null {
    const { b, config } = this;
    const modules = ['q', 'k', 'v'] as const;
    if (config.qkNorm || !fusedRotary || modules.some((m) => this.loraAt.has(`${layer}.${m}`))) return null;
    const names = layerWeightNames(layer);
    let qkv = fusedProjection(b, x, this.weights, [names.q, names.k, names.v], this.options);
    if (config.attentionBias) qkv = b.op1('Add', [qkv, this.concatenatedVector(`layers.${layer}.qkv_bias`, [names.qBias, names.kBias, names.vBias])]);
    return [qkv, '', ''];
  }

  private separateQkv(layer: number, x: string, positionIds: string, cos: string, sin: string, fusedRotary: boolean): [string, string, string] {
    const { config } = this;
    const names = layerWeightNames(layer);
    const biases = config.attentionBias ? [names.qBias, names.kBias, names.vBias] : [null, null, null];
    const [projectedQ, projectedK, v] = this.linears(x, layer, ['q', 'k', 'v'], [names.q, names.k, names.v], biases) as [string, string, string];
    let q = projectedQ;
    let k = projectedK;
    if (config.qkNorm) {
      q = this.headNorm(q, config.numHeads, names.qNorm);
      k = this.headNorm(k, config.numKvHeads, names.kNorm);
    }
    // GQA rotates q/k itself when head_dim allows (a multiple of 16), from the explicit position ids
    if (!fusedRotary) {
      q = this.rotate(q, positionIds, cos, sin, config.numHeads);
      k = this.rotate(k, positionIds, cos, sin, config.numKvHeads);
    }
    return [q, k, v];
  }

  private mlp(layer: number, x: string): string {
    const { b, config } = this;
    const names = layerWeightNames(layer);
    const bias = (name: string) => (config.mlpBias ? name : null);
    // two matmuls, not one fused gate|up: splitting a fused output copies S × 2·intermediate floats in prefill
    const gate = this.linear(x, layer, 'gate', names.gate, bias(names.gateBias));
    const up = this.linear(x, layer, 'up', names.up, bias(names.upBias));
    const act = b.op1('Mul', [activate(b, gate, config.hiddenAct), up]);
    const down = this.linear(act, layer, 'down', names.down, bias(names.downBias));
    const layout = this.options.adapters;
    if (this.adapters && layout?.bottleneck && this.bottleneckAt.has(layer)) {
      return addSlotBottleneck(b, this.adapters, down, layer, layout.bottleneck.activation);
    }
    return down;
  }

  /** Projections sharing input x, fused into one matmul, each with its optional bias and LoRA slot. */
  private linears(x: string, layer: number, modules: LoraModule[], weightNames: string[], biases: (string | null)[]): string[] {
    const { b } = this;
    return projection(b, x, this.weights, weightNames, this.options).map((out, i) => {
      let y = out;
      const bias = biases[i];
      if (bias) y = b.op1('Add', [y, this.vector(bias)]);
      const module = modules[i] as LoraModule;
      if (this.adapters && this.loraAt.has(`${layer}.${module}`)) y = addSlotLora(b, this.adapters, x, y, layer, module);
      return y;
    });
  }

  private linear(x: string, layer: number, module: LoraModule, weightName: string, bias: string | null = null): string {
    return this.linears(x, layer, [module], [weightName], [bias])[0] as string;
  }

  private rotate(x: string, positionIds: string, cos: string, sin: string, heads: number): string {
    return this.b.op1('RotaryEmbedding', [x, positionIds, cos, sin], { interleaved: attr.int(0), num_heads: attr.int(heads) }, { domain: 'com.microsoft' });
  }

  /** qwen3: RMSNorm over each head's dimensions. */
  private headNorm(x: string, heads: number, weight: string): string {
    const { b, config } = this;
    const perHead = b.op1('Reshape', [x, b.constant('int64', [0, 0, heads, config.headDim])]);
    const normed = b.op1('SimplifiedLayerNormalization', [perHead, this.vector(weight)], this.normAttrs());
    return b.op1('Reshape', [normed, b.constant('int64', [0, 0, heads * config.headDim])]);
  }

  /** Adds `delta` to the residual stream and normalizes the sum: [normalized, new residual]. */
  private skipNorm(delta: string, residual: string, weight: string): [string, string] {
    const [normed, , , sum] = this.b.op(
      'SkipSimplifiedLayerNormalization',
      [delta, residual, this.vector(weight)],
      { epsilon: attr.float(this.config.rmsNormEps) },
      { domain: 'com.microsoft', outputs: 4 },
    );
    return [normed as string, sum as string];
  }

  /**
   * Where GQA wrote this run's S tokens in each row of present.*: positions
   * `cached` .. + S - 1, as a GatherElements index [B, kvH, S, hd].
   */
  private appendedPositions(chunk: string, cached: string): string {
    const { b, config } = this;
    const offsets = b.op1('Range', [b.constant('int64', [0], []), b.op1('Squeeze', [chunk]), b.constant('int64', [1], [])]);
    const positions = b.op1('Add', [b.op1('Unsqueeze', [cached, b.constant('int64', [1])]), b.op1('Unsqueeze', [offsets, b.constant('int64', [0])])]);
    const shaped = b.op1('Unsqueeze', [positions, b.constant('int64', [1, 3])]);
    return b.op1('Expand', [shaped, b.constant('int64', [1, config.numKvHeads, 1, config.headDim])]);
  }

  /**
   * Each row's last real token: [B, 1, d]. Rows are right-padded. A first chunk
   * (no past) ends at the row's own length - 1; a chunk continuing a cache has
   * the same length S in every row, so it ends at S - 1. min() covers both.
   */
  private lastTokenOf(hidden: string, chunk: string, lengths: string): string {
    const { b, config } = this;
    const chunkEnd = b.op1('Sub', [chunk, b.constant('int64', [1])]);
    const index = b.op1('Min', [b.op1('Sub', [lengths, b.constant('int64', [1], [])]), chunkEnd]);
    const shaped = b.op1('Unsqueeze', [index, b.constant('int64', [1, 2])]);
    const expanded = b.op1('Expand', [shaped, b.constant('int64', [1, 1, config.hiddenSize])]);
    return b.op1('GatherElements', [hidden, expanded], { axis: attr.int(1) });
  }

  /**
   * logits = hidden · Wᵀ with W the [V, d] head (the embedding table when
   * tied). An fp32 head is always read in place ([1, V, d], never prepacked):
   * it runs on one token per row, where packing buys nothing, and a tied
   * table stays one mapped copy for the Gather and the head.
   */
  private lmHead(hidden: string): void {
    const { b, config } = this;
    const headWeight = config.tieWordEmbeddings ? GLOBAL_WEIGHT_NAMES.embedTokens : GLOBAL_WEIGHT_NAMES.lmHead;
    if (this.options.quantization?.lmHead) {
      b.op1('Identity', projection(b, hidden, this.weights, [headWeight], this.options), {}, { output: 'logits' });
      return;
    }
    const table = config.tieWordEmbeddings ? this.embeddingTable() : 'lm_head';
    const weight = { name: table, inFeatures: config.hiddenSize, outFeatures: config.vocabSize, rows: () => this.weights.float32(headWeight) };
    inPlaceMatMul(b, hidden, weight, 'logits');
  }

  /** embed_tokens as [1, V, d], the layout an fp32 tied head reads in place. */
  private embeddingTable(): string {
    const { b, config } = this;
    if (b.has('embed_tokens')) return 'embed_tokens';
    return b.initializer('embed_tokens', 'float32', [1, config.vocabSize, config.hiddenSize], () => bytesOf(this.weights.float32(GLOBAL_WEIGHT_NAMES.embedTokens)));
  }

  private vector(name: string): string {
    if (this.b.has(name)) return name;
    const n = this.weights.info(name).shape.reduce((a, c) => a * c, 1);
    return this.b.initializer(name, 'float32', [n], () => bytesOf(this.weights.float32(name)));
  }

  /** Several weight vectors end to end, as one initializer. */
  private concatenatedVector(name: string, weightNames: string[]): string {
    const length = weightNames.reduce((n, w) => n + this.weights.info(w).shape.reduce((a, c) => a * c, 1), 0);
    return this.b.initializer(name, 'float32', [length], () => bytesOf(concatenated(this.weights, weightNames)));
  }

  /** dimension `axis` of a value's shape, as int64 [1] */
  private dim(value: string, axis: number): string {
    const shape = this.b.op1('Shape', [value]);
    return this.b.op1('Slice', [shape, this.b.constant('int64', [axis]), this.b.constant('int64', [axis + 1])]);
  }

  private normAttrs() {
    return { epsilon: attr.float(this.config.rmsNormEps), axis: attr.int(-1), stash_type: attr.int(1) };
  }
}
