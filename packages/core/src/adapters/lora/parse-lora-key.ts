import { PlugboardError } from '../../errors/plugboard-error.ts';
import { LORA_MODULES } from './lora-modules.ts';
import type { LoraModule } from './lora-modules.ts';

const KEY_PATTERN = /^(0|[1-9]\d*)\.(\w+)$/;

/** The inverse of loraKey: `"3.down"` -> { layer: 3, module: 'down' }; INVALID_ARGUMENT for anything else. */
export function parseLoraKey(key: string): { layer: number; module: LoraModule } {
  const match = KEY_PATTERN.exec(key);
  const module = LORA_MODULES.find((m) => m === match?.[2]);
  if (!match || !module) {
    throw new PlugboardError('INVALID_ARGUMENT', `weights key "${key}" is not "<layer>.<module>" with module one of ${LORA_MODULES.join(', ')}`);
  }
  return { layer: Number(match[1]), module };
}
