import type { ModelConfig } from '../../hf/config.ts';
import type { FileOpener } from '../../hf/open-regular-file.ts';

/** What every adapter reader takes. */
export interface ReadAdapterOptions {
  /** the base model the adapter must fit */
  config: ModelConfig;
  /** defaults to the folder's name */
  name?: string;
  /** opens every adapter file (default: regular files only); a skill package passes one that keeps reads inside the package */
  open?: FileOpener;
}

/** What every adapter writer returns. */
export interface WrittenAdapter {
  dir: string;
  /** sha256 of the weights file: the adapter's identity */
  sha256: string;
}
