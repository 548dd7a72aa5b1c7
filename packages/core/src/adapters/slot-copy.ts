import { PlugboardError } from '../errors/plugboard-error.ts';
import type { SlotTensor } from '../model/adapter-slots.ts';

/** One copy into a slot tensor: `rows` rows of `cols` values into rows of `stride` values (the rest stays zero). */
export interface SlotCopy {
  tensor: SlotTensor;
  source: Float32Array;
  rows: number;
  cols: number;
  stride: number;
}

export function slotIncompatible(message: string): PlugboardError {
  return new PlugboardError('ADAPTER_INCOMPATIBLE', message);
}

/** The slot tensor `name`; ADAPTER_INCOMPATIBLE when the model was built without it. */
export function slotTensor(tensors: Map<string, SlotTensor>, name: string, what: string): SlotTensor {
  const tensor = tensors.get(name);
  if (!tensor) throw slotIncompatible(`the model has no adapter slot for ${what} (no "${name}" input): build it with a layout that includes it`);
  return tensor;
}

/** Checks a slot tensor is [N, ...expected] (null: any size there). */
export function checkSlotDims(tensor: SlotTensor, name: string, expected: (number | null)[]): void {
  const ok = tensor.dims.length === expected.length + 1 && expected.every((dim, i) => dim === null || tensor.dims[i + 1] === dim);
  if (!ok) throw slotIncompatible(`slot tensor "${name}" has dims [${tensor.dims}], which cannot hold [N, ${expected.map((d) => d ?? 'r')}]`);
}
