import type { AdapterSlotLayout, SlotTensor } from '../../model/adapter-slots.ts';
import { checkSlotDims, slotIncompatible, slotTensor } from '../slot-copy.ts';
import type { SlotCopy } from '../slot-copy.ts';
import { loraKey } from './loaded-lora.ts';
import type { LoadedLora } from './loaded-lora.ts';
import { loraInputName } from './lora-tensors.ts';

/** Where each module's a [in, r] and b [r, out] go in the slots' [N, in, R] and [N, R, out]. */
export function loraSlotCopies(tensors: Map<string, SlotTensor>, layout: AdapterSlotLayout, lora: LoadedLora): SlotCopy[] {
  const slots = layout.lora;
  if (!slots) throw slotIncompatible(`adapter "${lora.name}" is a LoRA but the model was built without LoRA slots`);
  if (lora.rank > slots.rank) throw slotIncompatible(`adapter "${lora.name}" has rank ${lora.rank}, over the slots' rank ${slots.rank}`);
  const copies: SlotCopy[] = [];
  for (const layer of lora.layers) {
    for (const module of lora.modules) {
      const w = lora.weights.get(loraKey(layer, module));
      if (!w) continue;
      const aName = loraInputName(layer, module, 'a');
      const bName = loraInputName(layer, module, 'b');
      const a = slotTensor(tensors, aName, `layer ${layer} module ${module}`);
      const b = slotTensor(tensors, bName, `layer ${layer} module ${module}`);
      checkSlotDims(a, aName, [w.inFeatures, slots.rank]);
      checkSlotDims(b, bName, [slots.rank, w.outFeatures]);
      // a [in, r] into [in, R]: each row padded; b [r, out] into [R, out]: the first r rows
      copies.push({ tensor: a, source: w.a, rows: w.inFeatures, cols: w.rank, stride: slots.rank });
      copies.push({ tensor: b, source: w.b, rows: w.rank, cols: w.outFeatures, stride: w.outFeatures });
    }
  }
  return copies;
}
