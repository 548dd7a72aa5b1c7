import { PlugboardError } from '../errors/plugboard-error.ts';
import type { GgufFile } from './gguf-file.ts';
import type { GgufValue } from './gguf-values.ts';

/** GGUF `general.architecture` values we map onto our decoder (Mistral GGUFs say "llama"). */
export const GGUF_ARCHITECTURES = ['llama', 'qwen2', 'qwen3'] as const;
export type GgufArchitecture = (typeof GGUF_ARCHITECTURES)[number];

type Metadata = Pick<GgufFile, 'metadata' | 'path'>;

function wrongType(file: Metadata, key: string, want: string, value: GgufValue | undefined): PlugboardError {
  const found = value === undefined ? 'missing' : `${JSON.stringify(value).slice(0, 40)}`;
  return new PlugboardError('INVALID_CONFIG', `GGUF metadata "${key}" of ${file.path} should be ${want}, found ${found}`, { details: { key } });
}

export function ggufArchitecture(file: Metadata): GgufArchitecture {
  const arch = file.metadata.get('general.architecture');
  if (typeof arch !== 'string') throw wrongType(file, 'general.architecture', 'a string', arch);
  if (!(GGUF_ARCHITECTURES as readonly string[]).includes(arch)) {
    throw new PlugboardError('UNSUPPORTED_ARCHITECTURE', `GGUF architecture "${arch}" of ${file.path} is not supported; supported: ${GGUF_ARCHITECTURES.join(', ')}`, { details: { architecture: arch } });
  }
  return arch as GgufArchitecture;
}

export function ggufNumber(file: Metadata, key: string): number {
  const value = file.metadata.get(key);
  if (typeof value !== 'number') throw wrongType(file, key, 'a number', value);
  return value;
}

export function ggufOptionalNumber(file: Metadata, key: string): number | undefined {
  return file.metadata.has(key) ? ggufNumber(file, key) : undefined;
}

export function ggufOptionalString(file: Metadata, key: string): string | undefined {
  const value = file.metadata.get(key);
  if (value !== undefined && typeof value !== 'string') throw wrongType(file, key, 'a string', value);
  return value;
}

export function ggufOptionalBoolean(file: Metadata, key: string): boolean | undefined {
  const value = file.metadata.get(key);
  if (value !== undefined && typeof value !== 'boolean') throw wrongType(file, key, 'a boolean', value);
  return value;
}

export function ggufArray<T extends 'string' | 'number'>(file: Metadata, key: string, item: T): (T extends 'string' ? string : number)[] {
  const value = file.metadata.get(key);
  if (!Array.isArray(value) || value.some((v) => typeof v !== item)) throw wrongType(file, key, `an array of ${item}s`, value);
  return value as (T extends 'string' ? string : number)[];
}
