import type { ModelConfig } from '../../hf/config.ts';
import type { AdapterSlotLayout, SlotTensor } from '../../model/adapter-slots.ts';

/** What the bank needs from a loaded model (a `Model` satisfies it): its shapes, slot layout, slot tensors and base fingerprint. */
export interface BankHost {
  readonly config: ModelConfig;
  readonly buildOptions: { readonly adapters: AdapterSlotLayout | null };
  /** the stacked slot tensors the graph is fed with; the bank writes into them in place */
  readonly slots: Map<string, SlotTensor>;
  readonly weightsFingerprint: string;
  /** Frobenius norm of each base weight (HF name), recorded at graph build; adapter deltas are bounded against them (a weight absent here is not bounded) */
  readonly baseWeightNorms: ReadonlyMap<string, number>;
}
