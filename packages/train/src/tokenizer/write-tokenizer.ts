import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainedTokenizer } from './train-bpe-tokenizer.ts';

export const TOKENIZER_FILES = {
  tokenizer: 'tokenizer.json',
  config: 'tokenizer_config.json',
  specialTokensMap: 'special_tokens_map.json',
} as const;

/** Writes tokenizer.json, tokenizer_config.json and special_tokens_map.json into `dir` (created if missing); returns their paths. */
export function writeTokenizer(dir: string, result: TrainedTokenizer): string[] {
  mkdirSync(dir, { recursive: true });
  const contents: [file: string, value: unknown][] = [
    [TOKENIZER_FILES.tokenizer, result.tokenizerJson],
    [TOKENIZER_FILES.config, result.tokenizerConfig],
    [TOKENIZER_FILES.specialTokensMap, result.specialTokensMap],
  ];
  return contents.map(([file, value]) => {
    const path = join(dir, file);
    writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
    return path;
  });
}
