import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PlugboardError } from '../../errors/plugboard-error.ts';

/** PEFT's (and ms-swift's) file names. */
export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';
/** Our own manifest, for the layouts PEFT has no format for (bottleneck adapters). */
export const PLUGBOARD_ADAPTER_FILE = 'plugboard_adapter.json';
/** safetensors `__metadata__` key where we record the base weights' fingerprint (PEFT's config has no field for it). */
export const BASE_FINGERPRINT_METADATA_KEY = 'plugboard_base_fingerprint';

/** `dir/name`, or FILE_NOT_FOUND saying which adapter file is missing. */
export function requireAdapterFile(dir: string, name: string): string {
  const path = join(dir, name);
  if (existsSync(path)) return path;
  const hint =
    name === ADAPTER_WEIGHTS_FILE && existsSync(join(dir, 'adapter_model.bin'))
      ? ' (only pickled adapter_model.bin is there: re-save the adapter with safetensors)'
      : '';
  throw new PlugboardError('FILE_NOT_FOUND', `${path} does not exist${hint}: point at an adapter folder`, { details: { path } });
}

/** The safetensors metadata that goes with every adapter we write. */
export function adapterMetadata(baseFingerprint: string | null | undefined): Record<string, string> {
  return baseFingerprint ? { format: 'pt', [BASE_FINGERPRINT_METADATA_KEY]: baseFingerprint } : { format: 'pt' };
}
