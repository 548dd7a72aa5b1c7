import { PlugboardError, adapterLayers, bottleneckTensorSpecs, loraScaling, loraTensorSpecs, zeroSlotTensors } from '@plugboard/core';
import type { AdapterSlotLayout, ModelConfig, ReferenceAdapters } from '@plugboard/core';
import type { GraphMethod } from './graph-method.ts';

/** Reads a parameter value; missing names are the caller's bug, reported by name. */
export type ParameterLookup = (name: string) => Float32Array;

/**
 * The training graph's adapter parameters as the reference forward's (and the
 * inference graph's) slot tensors: slot 0 = base, slot 1 = this adapter, with
 * LoRA's b scaled (the slots carry no scaling of their own). Every batch row uses slot 1.
 */
export function referenceAdaptersOf(config: ModelConfig, method: GraphMethod, lookup: ParameterLookup, rows: number): ReferenceAdapters {
  const layout: AdapterSlotLayout = { slots: 2 };
  if (method.lora) layout.lora = { rank: method.lora.rank, modules: method.lora.modules, layers: adapterLayers(config, method.lora) };
  if (method.bottleneck) layout.bottleneck = { ...method.bottleneck, layers: adapterLayers(config, method.bottleneck) };
  const tensors = zeroSlotTensors(config, layout);
  const slotOne = (name: string) => {
    const tensor = tensors.get(name);
    if (!tensor) throw new PlugboardError('INVALID_ARGUMENT', `slot tensor ${name} is missing from the layout`);
    return tensor.data.subarray(tensor.data.length / 2);
  };
  if (method.lora) {
    // one tensor convention for both graphs: a copies as is, b gets the scaling the training graph applies in-graph
    const scaling = loraScaling(method.lora);
    for (const { name, part } of loraTensorSpecs(config, method.lora)) {
      const value = lookup(name);
      slotOne(name).set(part === 'a' ? value : value.map((v) => scaling * v));
    }
  }
  if (method.bottleneck) for (const { name } of bottleneckTensorSpecs(config, method.bottleneck)) slotOne(name).set(lookup(name));
  return { layout, tensors, adapterIndex: Array.from({ length: rows }, () => 1) };
}
