import { PlugboardError } from '../errors/plugboard-error.ts';
import { bottleneckInputName } from '../model/adapter-slots.ts';
import type { AdapterSlotLayout, SlotTensor } from '../model/adapter-slots.ts';
import type { LoadedAdapter, LoadedBottleneck } from './loaded-adapter.ts';
import { loraSlotCopies } from './lora/lora-slot-copies.ts';
import { checkSlotDims, slotIncompatible, slotTensor } from './slot-copy.ts';
import type { SlotCopy } from './slot-copy.ts';

function bottleneckCopies(tensors: Map<string, SlotTensor>, layout: AdapterSlotLayout, adapter: LoadedBottleneck): SlotCopy[] {
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
    const names = {
      down: bottleneckInputName(layer, 'down'),
      downBias: bottleneckInputName(layer, 'down_bias'),
      up: bottleneckInputName(layer, 'up'),
      upBias: bottleneckInputName(layer, 'up_bias'),
    };
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

function slotSize(tensor: SlotTensor): number {
  return tensor.data.length / (tensor.dims[0] as number);
}

/** Zeroes slot `slot` of every slot tensor: the slot then computes the base model. */
export function clearSlot(tensors: Map<string, SlotTensor>, slot: number): void {
  for (const tensor of tensors.values()) tensor.data.fill(0, slot * slotSize(tensor), (slot + 1) * slotSize(tensor));
}

function checkSlot(tensors: Map<string, SlotTensor>, layout: AdapterSlotLayout, slot: number): void {
  if (!Number.isInteger(slot) || slot < 1 || slot >= layout.slots) {
    throw new PlugboardError('INVALID_ARGUMENT', `slot ${slot} cannot take an adapter: use 1..${layout.slots - 1} (slot 0 is the base model)`);
  }
  for (const [name, tensor] of tensors) {
    if (tensor.dims[0] !== layout.slots) throw new PlugboardError('INVALID_ARGUMENT', `slot tensor "${name}" has ${tensor.dims[0]} slots but the layout has ${layout.slots}`);
  }
}

/**
 * Copies a loaded adapter into slot `slot` of the stacked slot tensors, in
 * place: LoRA a/b of rank r into the first r columns/rows of the slots' rank,
 * bottleneck down/up of width m into the first m of the slots' width, only the
 * layers and modules the adapter has. Everything else of that slot is zeroed
 * (LISA layers, other modules, a previous adapter's leftovers). All checks
 * run before the first write, so a refused adapter leaves the slots untouched.
 */
export function writeAdapterIntoSlot(tensors: Map<string, SlotTensor>, layout: AdapterSlotLayout, slot: number, adapter: LoadedAdapter): void {
  checkSlot(tensors, layout, slot);
  const copies = adapter.kind === 'lora' ? loraSlotCopies(tensors, layout, adapter) : bottleneckCopies(tensors, layout, adapter);
  clearSlot(tensors, slot);
  for (const { tensor, source, rows, cols, stride } of copies) {
    const base = slot * slotSize(tensor);
    for (let row = 0; row < rows; row++) tensor.data.set(source.subarray(row * cols, (row + 1) * cols), base + row * stride);
  }
}
