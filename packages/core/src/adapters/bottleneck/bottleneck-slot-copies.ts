import type { AdapterSlotLayout, SlotTensor } from '../../model/adapter-slots.ts';
import { checkSlotDims, slotIncompatible, slotTensor } from '../slot-copy.ts';
import type { SlotCopy } from '../slot-copy.ts';
import type { LoadedBottleneck } from './loaded-bottleneck.ts';
import { bottleneckInputNames } from './bottleneck-tensors.ts';

/** Where each layer's down/up (width m) go in the slots' width: the first m columns / rows. */
export function bottleneckSlotCopies(tensors: Map<string, SlotTensor>, layout: AdapterSlotLayout, adapter: LoadedBottleneck): SlotCopy[] {
  const slots = layout.bottleneck;
  if (!slots) throw slotIncompatible(`adapter "${adapter.name}" is a bottleneck adapter but the model was built without bottleneck slots`);
  if (adapter.width > slots.width) throw slotIncompatible(`adapter "${adapter.name}" has width ${adapter.width}, over the slots' width ${slots.width}`);
  if (adapter.activation !== slots.activation) {
    throw slotIncompatible(`adapter "${adapter.name}" uses ${adapter.activation} but the model's bottleneck slots compute ${slots.activation}`);
  }
  const m = adapter.width;
  const copies: SlotCopy[] = [];
  for (const [layer, w] of adapter.weights) {
    const d = w.upBias.length;
    const names = bottleneckInputNames(layer);
    const what = `layer ${layer}'s bottleneck`;
    const down = slotTensor(tensors, names.down, what);
    const downBias = slotTensor(tensors, names.downBias, what);
    const up = slotTensor(tensors, names.up, what);
    const upBias = slotTensor(tensors, names.upBias, what);
    checkSlotDims(down, names.down, [d, slots.width]);
    checkSlotDims(downBias, names.downBias, [slots.width]);
    checkSlotDims(up, names.up, [slots.width, d]);
    checkSlotDims(upBias, names.upBias, [d]);
    // zero padding past width m is exact: act(0) = 0 for gelu, relu and silu, and up's extra rows are zero
    copies.push({ tensor: down, source: w.down, rows: d, cols: m, stride: slots.width });
    copies.push({ tensor: downBias, source: w.downBias, rows: 1, cols: m, stride: slots.width });
    copies.push({ tensor: up, source: w.up, rows: m, cols: d, stride: d });
    copies.push({ tensor: upBias, source: w.upBias, rows: 1, cols: d, stride: d });
  }
  return copies;
}
