import { PlugboardError } from '../errors/plugboard-error.ts';
import type { ModelConfig } from '../hf/config.ts';
import { slotTensorSpecs } from '../model/adapter-slots.ts';
import { bottleneckInputName } from '../adapters/bottleneck/bottleneck-tensors.ts';
import { adapterLayers } from '../adapters/layer-selection.ts';
import { loraInputName } from '../adapters/lora/lora-tensors.ts';
import { moduleFeatures } from '../adapters/lora/lora-modules.ts';
import type { AdapterSlotLayout, SlotTensor } from '../model/adapter-slots.ts';
import type { LoraModule } from '../adapters/lora/lora-modules.ts';
import { ACTIVATIONS } from './activations.ts';
import { addBottleneckDelta } from './bottleneck-delta.ts';
import { addLoraDelta } from './lora-delta.ts';

/** The adapter inputs of one forward, mirroring the graph IO contract (DESIGN.md). */
export interface ReferenceAdapters {
  layout: AdapterSlotLayout;
  /** every tensor named by `slotTensorSpecs(config, layout)`, with those dims */
  tensors: Map<string, SlotTensor>;
  /** resident slot used by each row (slot 0 = zeros = base) */
  adapterIndex: number[];
  /** per row, per new token: how much of the adapter applies (default all 1) */
  adapterMask?: number[][];
}

function badAdapters(message: string): PlugboardError {
  return new PlugboardError('INVALID_ARGUMENT', `reference adapters: ${message}`);
}

/** Checks the adapter inputs against the model and the batch, before any work is done. */
export function validateReferenceAdapters(config: ModelConfig, adapters: ReferenceAdapters, rowLengths: number[]): void {
  const { layout, adapterIndex, adapterMask } = adapters;
  if (adapterIndex.length !== rowLengths.length) {
    throw badAdapters(`adapterIndex has ${adapterIndex.length} entries but the batch has ${rowLengths.length} rows`);
  }
  adapterIndex.forEach((slot, row) => {
    if (!Number.isInteger(slot) || slot < 0 || slot >= layout.slots) {
      throw badAdapters(`adapterIndex[${row}] = ${slot} is not a slot in [0, ${layout.slots})`);
    }
  });
  if (adapterMask) {
    if (adapterMask.length !== rowLengths.length) {
      throw badAdapters(`adapterMask has ${adapterMask.length} rows but the batch has ${rowLengths.length}`);
    }
    adapterMask.forEach((mask, row) => {
      if (mask.length !== rowLengths[row]) {
        throw badAdapters(`adapterMask[${row}] has ${mask.length} values for ${rowLengths[row]} tokens`);
      }
      if (!mask.every(Number.isFinite)) throw badAdapters(`adapterMask[${row}] holds a non-finite value`);
    });
  }
  const layers = [
    ...(layout.lora ? adapterLayers(config, layout.lora) : []),
    ...(layout.bottleneck ? adapterLayers(config, layout.bottleneck) : []),
  ];
  const outOfRange = layers.find((layer) => layer >= config.numLayers);
  if (outOfRange !== undefined) {
    throw badAdapters(`layout names layer ${outOfRange} but the model has ${config.numLayers} layers`);
  }
  for (const spec of slotTensorSpecs(config, layout)) {
    const tensor = adapters.tensors.get(spec.name);
    if (!tensor) throw badAdapters(`slot tensor "${spec.name}" is missing; build tensors with zeroSlotTensors()`);
    const size = spec.dims.reduce((a, b) => a * b, 1);
    if (tensor.dims.join(',') !== spec.dims.join(',') || tensor.data.length !== size) {
      throw badAdapters(
        `slot tensor "${spec.name}" has dims [${tensor.dims}] and ${tensor.data.length} values; expected [${spec.dims}]`,
      );
    }
  }
}

/** The adapters as one batch row sees them: its slot and its token mask. */
export class RowAdapters {
  private readonly loraLayerSet: Set<number>;
  private readonly bottleneckLayerSet: Set<number>;

  constructor(
    private readonly config: ModelConfig,
    private readonly adapters: ReferenceAdapters,
    private readonly slot: number,
    private readonly mask: ArrayLike<number>,
  ) {
    const { layout } = adapters;
    this.loraLayerSet = new Set(layout.lora ? adapterLayers(config, layout.lora) : []);
    this.bottleneckLayerSet = new Set(layout.bottleneck ? adapterLayers(config, layout.bottleneck) : []);
  }

  /** Adds module `module`'s LoRA delta of layer `layer` to the projection output y, if that slot exists. */
  addLora(y: Float32Array, x: Float32Array, rows: number, layer: number, module: LoraModule): void {
    const lora = this.adapters.layout.lora;
    if (!lora || !lora.modules.includes(module) || !this.loraLayerSet.has(layer)) return;
    const { inFeatures, outFeatures } = moduleFeatures(this.config, module);
    const pair = {
      a: this.tensor(loraInputName(layer, module, 'a')),
      b: this.tensor(loraInputName(layer, module, 'b')),
      inFeatures,
      outFeatures,
      rank: lora.rank,
    };
    addLoraDelta(y, x, rows, pair, this.slot, this.mask);
  }

  /** Adds layer `layer`'s bottleneck adapter to the MLP output, if that slot exists. */
  addBottleneck(mlpOut: Float32Array, rows: number, layer: number): void {
    const bottleneck = this.adapters.layout.bottleneck;
    if (!bottleneck || !this.bottleneckLayerSet.has(layer)) return;
    const tensors = {
      down: this.tensor(bottleneckInputName(layer, 'down')),
      downBias: this.tensor(bottleneckInputName(layer, 'down_bias')),
      up: this.tensor(bottleneckInputName(layer, 'up')),
      upBias: this.tensor(bottleneckInputName(layer, 'up_bias')),
      hiddenSize: this.config.hiddenSize,
      width: bottleneck.width,
    };
    addBottleneckDelta(mlpOut, rows, tensors, ACTIVATIONS[bottleneck.activation], this.slot, this.mask);
  }

  private tensor(name: string): Float32Array {
    const tensor = this.adapters.tensors.get(name);
    // validateReferenceAdapters guarantees presence; this guards direct misuse.
    if (!tensor) throw badAdapters(`slot tensor "${name}" is missing`);
    return tensor.data;
  }
}
