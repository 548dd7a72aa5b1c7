import { PlugboardError, bottleneckInputName, loraInputName, moduleFeatures, zeroSlotTensors } from '@plugboard/core';
import type { AdapterSlotLayout, ModelConfig, ReferenceAdapters } from '@plugboard/core';
import type { GraphMethod } from './graph-method.ts';
import { loraScaling } from './graph-method.ts';
import { bottleneckGraphLayers, bottleneckParameterName, loraGraphLayers, loraParameterName } from './parameter-names.ts';

/** Reads a parameter value; missing names are the caller's bug, reported by name. */
export type ParameterLookup = (name: string) => Float32Array;

/**
 * The training graph's adapter parameters as the reference forward's (and the
 * inference graph's) slot tensors: slot 0 = base, slot 1 = this adapter, with
 * a = A^T and b = scaling · B^T for LoRA. Every batch row uses slot 1.
 */
export function referenceAdaptersOf(config: ModelConfig, method: GraphMethod, lookup: ParameterLookup, rows: number): ReferenceAdapters {
  const layout: AdapterSlotLayout = { slots: 2 };
  if (method.lora) layout.lora = { rank: method.lora.rank, modules: method.lora.modules, layers: loraGraphLayers(config, method.lora) };
  if (method.bottleneck) layout.bottleneck = { ...method.bottleneck, layers: bottleneckGraphLayers(config, method.bottleneck) };
  const tensors = zeroSlotTensors(config, layout);
  const slotOne = (name: string) => {
    const tensor = tensors.get(name);
    if (!tensor) throw new PlugboardError('INVALID_ARGUMENT', `slot tensor ${name} is missing from the layout`);
    return tensor.data.subarray(tensor.data.length / 2);
  };
  if (method.lora) {
    const { rank } = method.lora;
    const scaling = loraScaling(method.lora);
    for (const layer of loraGraphLayers(config, method.lora)) {
      for (const module of method.lora.modules) {
        const { inFeatures, outFeatures } = moduleFeatures(config, module);
        const a = lookup(loraParameterName(layer, module, 'A'));
        const b = lookup(loraParameterName(layer, module, 'B'));
        const slotA = slotOne(loraInputName(layer, module, 'a'));
        const slotB = slotOne(loraInputName(layer, module, 'b'));
        for (let r = 0; r < rank; r++) {
          for (let i = 0; i < inFeatures; i++) slotA[i * rank + r] = a[r * inFeatures + i];
          for (let o = 0; o < outFeatures; o++) slotB[r * outFeatures + o] = scaling * b[o * rank + r];
        }
      }
    }
  }
  if (method.bottleneck) {
    for (const layer of bottleneckGraphLayers(config, method.bottleneck)) {
      for (const part of ['down', 'down_bias', 'up', 'up_bias'] as const) {
        slotOne(bottleneckInputName(layer, part)).set(lookup(bottleneckParameterName(layer, part)));
      }
    }
  }
  return { layout, tensors, adapterIndex: Array.from({ length: rows }, () => 1) };
}
