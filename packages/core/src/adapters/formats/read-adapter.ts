import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { PlugboardError } from '../../errors/plugboard-error.ts';
import { readJsonFile } from '../../hf/read-json-file.ts';
import type { LoadedAdapter } from '../loaded-adapter.ts';
import { ADAPTER_CONFIG_FILE, PLUGBOARD_ADAPTER_FILE } from './adapter-files.ts';
import { readPeftLora } from '../lora/peft/read-peft-lora.ts';
import type { ReadAdapterOptions } from './adapter-io-types.ts';
import { readPlugboardBottleneck } from '../bottleneck/formats/read-plugboard-bottleneck.ts';
import { readSwiftAdapter } from '../bottleneck/formats/read-swift-adapter.ts';

/** Just enough of adapter_config.json to tell the formats apart. */
const AdapterTypeSchema = z.looseObject({ peft_type: z.string().nullish(), swift_type: z.string().nullish() });

/** ms-swift saves each adapter in a sub-folder named after it, "default" for a single one. */
const SWIFT_DEFAULT_ADAPTER = 'default';

/**
 * Reads an adapter folder in whichever format its files say: our
 * plugboard_adapter.json (bottleneck), PEFT LoRA (peft_type LORA), or an
 * ms-swift Adapter (swift_type ADAPTER), also inside ms-swift's `default/`.
 */
export function readAdapter(dir: string, options: ReadAdapterOptions): LoadedAdapter {
  if (!existsSync(dir)) throw new PlugboardError('FILE_NOT_FOUND', `adapter folder ${dir} does not exist`, { details: { path: dir } });
  if (existsSync(join(dir, PLUGBOARD_ADAPTER_FILE))) return readPlugboardBottleneck(dir, options);
  const configPath = join(dir, ADAPTER_CONFIG_FILE);
  if (!existsSync(configPath)) {
    const nested = join(dir, SWIFT_DEFAULT_ADAPTER);
    if (existsSync(join(nested, ADAPTER_CONFIG_FILE))) return readAdapter(nested, { ...options, name: options.name ?? basename(dir) });
    throw new PlugboardError(
      'FILE_NOT_FOUND',
      `${dir} has neither ${ADAPTER_CONFIG_FILE} (PEFT / ms-swift) nor ${PLUGBOARD_ADAPTER_FILE}: point at an adapter folder`,
      { details: { path: dir } },
    );
  }
  const types = readJsonFile(configPath, AdapterTypeSchema, 'ADAPTER_INVALID', { open: options.open });
  if (types.peft_type === 'LORA') return readPeftLora(dir, options);
  const type = types.swift_type ?? types.peft_type;
  if (type === 'ADAPTER') return readSwiftAdapter(dir, options);
  throw new PlugboardError(
    'UNSUPPORTED_FEATURE',
    `${configPath} describes a ${type ?? 'untyped'} adapter (peft_type / swift_type); Plugboard runs LoRA (PEFT) and bottleneck Adapters (ms-swift or plugboard_adapter.json)`,
    { details: { field: types.swift_type ? 'swift_type' : 'peft_type', value: type } },
  );
}
