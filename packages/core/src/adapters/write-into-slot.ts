import { PlugboardError } from '../errors/plugboard-error.ts';
import type { AdapterSlotLayout, SlotTensor } from '../model/adapter-slots.ts';
import type { LoadedAdapter } from './loaded-adapter.ts';
import { bottleneckSlotCopies } from './bottleneck/bottleneck-slot-copies.ts';
import { loraSlotCopies } from './lora/lora-slot-copies.ts';

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
  const copies = adapter.kind === 'lora' ? loraSlotCopies(tensors, layout, adapter) : bottleneckSlotCopies(tensors, layout, adapter);
  clearSlot(tensors, slot);
  for (const { tensor, source, rows, cols, stride } of copies) {
    const base = slot * slotSize(tensor);
    for (let row = 0; row < rows; row++) tensor.data.set(source.subarray(row * cols, (row + 1) * cols), base + row * stride);
  }
}
