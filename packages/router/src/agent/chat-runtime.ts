import type { ChatTemplate, GenerationHost } from '@plugboard/core';

/**
 * What the controller and the LangChain chat model generate with: a loaded
 * `Model` satisfies it, and so does a `ScriptedGeneration`'s host, which runs
 * the same model but forces the tokens it emits (tests).
 */
export interface ChatRuntime extends GenerationHost {
  chatTemplate(): ChatTemplate;
  /** the base weights' fingerprint, checked when skill adapters are loaded into the bank */
  readonly weightsFingerprint: string;
}
