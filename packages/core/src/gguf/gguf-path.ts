import { existsSync, statSync } from 'node:fs';

/** The weights of a GGUF-derived model folder: a symlink to the .gguf itself, which openWeights reads. */
export const GGUF_WEIGHTS_FILE = 'model.gguf';

export function isGgufPath(path: string): boolean {
  return path.toLowerCase().endsWith('.gguf') && existsSync(path) && statSync(path).isFile();
}
