import type { AdapterSlotLayout, ChatTemplate, GenerationHost } from '@plugboard/core';

/**
 * What LocalBackend (and the LangChain chat model) generate with: a loaded
 * `Model` satisfies it.
 */
export interface ChatRuntime extends GenerationHost {
  chatTemplate(): ChatTemplate;
  /** the base weights' fingerprint, checked when skill adapters are loaded into the bank */
  readonly weightsFingerprint: string;
  /** the model folder (its name is the backend's model name) */
  readonly dir?: string;
  /** the adapter slots the graph was built with (what skills it can run) */
  readonly buildOptions?: { readonly adapters: AdapterSlotLayout | null };
}
