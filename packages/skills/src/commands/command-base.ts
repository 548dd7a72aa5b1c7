import { resolveBaseModel } from '../manifest/base-model-ref.ts';
import type { BaseModelRef } from '../manifest/base-model-ref.ts';

/** How a command names the base model to check a skill against. */
export interface CommandBaseOptions {
  /** a Hugging Face model folder (config.json + safetensors) */
  modelDir?: string;
  /** or its config and fingerprint, when the caller has them already */
  base?: BaseModelRef;
  /** where npm package names are resolved from (default the working directory) */
  resolveFrom?: string;
}

/** The base model the options name, or null when they name none. */
export function commandBase(options: CommandBaseOptions): BaseModelRef | null {
  if (options.base !== undefined) return resolveBaseModel(options.base);
  if (options.modelDir !== undefined) return resolveBaseModel(options.modelDir);
  return null;
}
