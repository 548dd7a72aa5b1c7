import type { LoadedAdapter } from '../loaded-adapter.ts';

/** Bytes of an adapter's own weights (without the slot's zero padding): what the bank's memory budget counts. */
export function adapterByteSize(adapter: LoadedAdapter): number {
  let bytes = 0;
  if (adapter.kind === 'lora') {
    for (const w of adapter.weights.values()) bytes += w.a.byteLength + w.b.byteLength;
  } else {
    for (const w of adapter.weights.values()) bytes += w.down.byteLength + w.downBias.byteLength + w.up.byteLength + w.upBias.byteLength;
  }
  return bytes;
}
