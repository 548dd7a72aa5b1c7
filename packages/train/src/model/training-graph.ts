import {
  GLOBAL_WEIGHT_NAMES,
  GraphBuilder,
  PlugboardError,
  activate,
  adapterLayers,
  addBottleneckOps,
  addLoraOps,
  bottleneckInputNames,
  fusedProjection,
  layerWeightNames,
  loraInputName,
  loraScaling,
} from '@plugboard/core';
import type { Graph, LoraModule, ModelConfig, WeightSource } from '@plugboard/core';
import { causalAttentionOps } from './attention-ops.ts';
import type { AttentionConstants, AttentionShape } from './attention-ops.ts';
import { attentionMaskOps } from './causal-mask.ts';
import { maskedCrossEntropyOps } from './cross-entropy-ops.ts';
import { TrainingGraphOptionsSchema } from './graph-method.ts';
import type { TrainingGraphOptions, TrainingGraphOptionsInput } from './graph-method.ts';
import { linearOps } from './linear-ops.ts';
import { trainingParameterShapes } from './parameter-names.ts';
import { rmsNormOps } from './rms-norm-ops.ts';
import { quantizedHead, quantizedWeightNames } from './quantized-base.ts';
import { rotaryConstants } from './rotary-ops.ts';

export const TRAINING_INPUTS = { inputIds: 'input_ids', targets: 'targets', lossMask: 'loss_mask', segmentIds: 'segment_ids' } as const;
export const TRAINING_OUTPUTS = { loss: 'loss', logits: 'logits' } as const;

export interface TrainingGraph {
  graph: Graph;
  /** every parameter input (base weights by HF name, then adapter tensors) with its shape */
  parameters: Map<string, number[]>;
  options: TrainingGraphOptions;
}

/**
 * A Llama-family (llama / qwen2 / qwen3 / mistral) forward with a masked
 * cross-entropy loss, built only from ops the autodiff differentiates, with
 * static [batch, sequence] shapes. Every parameter is a graph input, so one
 * graph (and one ORT session) serves every step: the trainer feeds the
 * current values, and what is trainable is just the autodiff's `wrt` list.
 */
export function buildTrainingGraph(config: ModelConfig, input: TrainingGraphOptionsInput, base?: WeightSource): TrainingGraph {
  const options = TrainingGraphOptionsSchema.parse(input);
  const parameters = trainingParameterShapes(config, options.method);
  checkLayers(config, options);
  const quantized = options.quantization === null ? new Set<string>() : quantizedWeightNames(config, options.quantization);
  if (quantized.size > 0 && base === undefined) {
    throw new PlugboardError('INVALID_ARGUMENT', 'a training graph over a quantized base needs the base weights: pass them to buildTrainingGraph');
  }
  for (const name of quantized) parameters.delete(name);
  const graph = new TrainingGraphWriter(config, options, parameters, base).write();
  return { graph, parameters, options };
}

function checkLayers(config: ModelConfig, options: TrainingGraphOptions): void {
  const { lora, bottleneck } = options.method;
  const layers = [...(lora ? adapterLayers(config, lora) : []), ...(bottleneck ? adapterLayers(config, bottleneck) : [])];
  const bad = layers.find((layer) => layer >= config.numLayers);
  if (bad !== undefined) {
    throw new PlugboardError('INVALID_ARGUMENT', `adapter layer ${bad} does not exist: the model has ${config.numLayers} layers (0…${config.numLayers - 1})`);
  }
}

class TrainingGraphWriter {
  private readonly b = new GraphBuilder('plugboard-training');
  private readonly loraAt = new Set<string>();
  private readonly bottleneckAt = new Set<number>();
  private readonly rows: number;

  constructor(
    private readonly config: ModelConfig,
    private readonly options: TrainingGraphOptions,
    private readonly parameters: Map<string, number[]>,
    private readonly base?: WeightSource,
  ) {
    this.rows = options.batch * options.sequence;
    const { lora, bottleneck } = options.method;
    if (lora) for (const layer of adapterLayers(config, lora)) for (const m of lora.modules) this.loraAt.add(`${layer}.${m}`);
    if (bottleneck) for (const layer of adapterLayers(config, bottleneck)) this.bottleneckAt.add(layer);
  }

  write(): Graph {
    const { b, config, options } = this;
    const { batch, sequence } = options;
    const inputIds = b.input(TRAINING_INPUTS.inputIds, 'int64', [batch, sequence]);
    const targets = b.input(TRAINING_INPUTS.targets, 'int64', [batch, sequence]);
    const lossMask = b.input(TRAINING_INPUTS.lossMask, 'float32', [batch, sequence]);
    // which packed example each token belongs to: attention stays within one
    const segmentIds = b.input(TRAINING_INPUTS.segmentIds, 'int64', [batch, sequence]);
    for (const [name, shape] of this.parameters) b.input(name, 'float32', shape);

    const constants: AttentionConstants = {
      rotary: rotaryConstants(b, sequence, config),
      mask: attentionMaskOps(b, segmentIds, sequence, config.slidingWindow),
      eps: config.rmsNormEps,
    };
    const flatIds = b.op1('Reshape', [inputIds, b.constant('int64', [this.rows])]);
    let hidden = b.op1('Gather', [GLOBAL_WEIGHT_NAMES.embedTokens, flatIds], {});
    for (let layer = 0; layer < config.numLayers; layer++) {
      const names = layerWeightNames(layer);
      const attention = b.scope(`layers.${layer}/attn`, () =>
        this.attention(layer, rmsNormOps(b, hidden, names.inputNorm, config.rmsNormEps), constants),
      );
      hidden = b.op1('Add', [hidden, attention]);
      const mlp = b.scope(`layers.${layer}/mlp`, () => this.mlp(layer, rmsNormOps(b, hidden, names.postAttentionNorm, config.rmsNormEps)));
      hidden = b.op1('Add', [hidden, mlp]);
    }
    const normed = rmsNormOps(b, hidden, GLOBAL_WEIGHT_NAMES.finalNorm, config.rmsNormEps);
    const head = config.tieWordEmbeddings ? GLOBAL_WEIGHT_NAMES.embedTokens : GLOBAL_WEIGHT_NAMES.lmHead;
    const logits = this.baseLinear(normed, head, null, quantizedHead(options.quantization));

    const column = b.constant('int64', [this.rows, 1]);
    const loss = maskedCrossEntropyOps(b, logits, b.op1('Reshape', [targets, column]), b.op1('Reshape', [lossMask, column]));
    b.op1('Identity', [loss], {}, { output: TRAINING_OUTPUTS.loss });
    b.output(TRAINING_OUTPUTS.loss, 'float32', []);
    if (options.logits) {
      b.op1('Reshape', [logits, b.constant('int64', [batch, sequence, config.vocabSize])], {}, { output: TRAINING_OUTPUTS.logits });
      b.output(TRAINING_OUTPUTS.logits, 'float32', [batch, sequence, config.vocabSize]);
    }
    return b.build();
  }

  private attention(layer: number, x: string, constants: AttentionConstants): string {
    const { b, config } = this;
    const names = layerWeightNames(layer);
    const bias = (name: string) => (config.attentionBias ? name : null);
    const shape: AttentionShape = {
      batch: this.options.batch,
      sequence: this.options.sequence,
      numHeads: config.numHeads,
      numKvHeads: config.numKvHeads,
      headDim: config.headDim,
    };
    const projections = {
      q: this.linear(x, layer, 'q', names.q, bias(names.qBias)),
      k: this.linear(x, layer, 'k', names.k, bias(names.kBias)),
      v: this.linear(x, layer, 'v', names.v, bias(names.vBias)),
      qNorm: config.qkNorm ? names.qNorm : null,
      kNorm: config.qkNorm ? names.kNorm : null,
    };
    const context = causalAttentionOps(b, projections, shape, constants);
    return this.linear(context, layer, 'o', names.o, config.outputBias ? names.oBias : null);
  }

  private mlp(layer: number, x: string): string {
    const { b, config } = this;
    const names = layerWeightNames(layer);
    const bias = (name: string) => (config.mlpBias ? name : null);
    const gate = this.linear(x, layer, 'gate', names.gate, bias(names.gateBias));
    const gated = b.op1('Mul', [activate(b, gate, config.hiddenAct), this.linear(x, layer, 'up', names.up, bias(names.upBias))]);
    const down = this.linear(gated, layer, 'down', names.down, bias(names.downBias));
    const bottleneck = this.options.method.bottleneck;
    if (!bottleneck || !this.bottleneckAt.has(layer)) return down;
    return addBottleneckOps(b, down, bottleneckInputNames(layer), bottleneck.activation);
  }

  /** x Wᵀ (+ bias) over a base weight: a parameter, or (quantized base) frozen MatMulNBits initializers. */
  private baseLinear(x: string, weight: string, bias: string | null, quantized = false): string {
    const { quantization } = this.options;
    if (!quantized || quantization === null || this.base === undefined) return linearOps(this.b, x, weight, bias);
    const y = fusedProjection(this.b, x, this.base, [weight], { quantization, prepackWeights: false });
    return bias === null ? y : this.b.op1('Add', [y, bias]);
  }

  private linear(x: string, layer: number, module: LoraModule, weight: string, bias: string | null): string {
    const y = this.baseLinear(x, weight, bias, !this.parameters.has(weight));
    const lora = this.options.method.lora;
    if (!lora || !this.loraAt.has(`${layer}.${module}`)) return y;
    const scaling = this.b.constant('float32', [loraScaling(lora)], []);
    return addLoraOps(this.b, x, y, loraInputName(layer, module, 'a'), loraInputName(layer, module, 'b'), scaling);
  }
}
