import type { ModelConfig } from '../../hf/config.ts';

/** What every adapter reader takes. */
export interface ReadAdapterOptions {
  /** the base model the adapter must fit */
  config: ModelConfig;
  /** defaults to the folder's name */
  name?: string;
}

/** What every adapter writer returns. */
export interface WrittenAdapter {
  dir: string;
  /** sha256 of the weights file: the adapter's identity */
  sha256: string;
}
