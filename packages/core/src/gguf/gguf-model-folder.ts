import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATION_CONFIG_FILE, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from '../hf/tokenizer-config.ts';
import { defaultGraphCacheDir } from '../runtime/graph-cache.ts';
import { hfConfigFromGguf } from './gguf-config.ts';
import { GgufFile } from './gguf-file.ts';
import { GGUF_WEIGHTS_FILE } from './gguf-path.ts';
import { tokenizerFilesFromGguf } from './gguf-tokenizer.ts';
import { GgufWeights } from './gguf-weights.ts';

/** Bumped when the derived files change, so stale folders are rebuilt. */
const GGUF_FOLDER_VERSION = 1;

/**
 * A Hugging Face model folder for a .gguf file: config.json,
 * tokenizer.json, tokenizer_config.json (chat template) and
 * generation_config.json rebuilt from its metadata, next to a `model.gguf`
 * symlink to the file (weights are never copied). Written once under the
 * Plugboard cache (`<cacheDir>/gguf/<key>`, key = path, size, mtime) and
 * reused; the whole GGUF is validated (types, tensor names) before.
 */
export function ggufModelFolder(path: string, cacheDir = join(defaultGraphCacheDir(), 'gguf')): string {
  const real = realpathSync(path);
  const { size, mtimeMs } = statSync(real);
  const key = createHash('sha256').update(JSON.stringify({ v: GGUF_FOLDER_VERSION, real, size, mtimeMs })).digest('hex').slice(0, 32);
  const dir = join(cacheDir, key);
  if (existsSync(join(dir, GGUF_WEIGHTS_FILE))) return dir;
  const file = GgufFile.open(real);
  try {
    new GgufWeights(file); // refuses unsupported tensor types and names before anything is written
    const config = hfConfigFromGguf(file);
    const tokenizer = tokenizerFilesFromGguf(file);
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const json = (name: string, value: unknown) => writeFileSync(join(tmp, name), `${JSON.stringify(value, null, 2)}\n`);
    json('config.json', config);
    json(TOKENIZER_FILE, tokenizer.tokenizerJson);
    json(TOKENIZER_CONFIG_FILE, tokenizer.tokenizerConfig);
    json(GENERATION_CONFIG_FILE, tokenizer.generationConfig);
    symlinkSync(real, join(tmp, GGUF_WEIGHTS_FILE));
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } finally {
    file.close();
  }
  return dir;
}
