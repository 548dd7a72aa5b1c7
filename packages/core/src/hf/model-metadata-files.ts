import { CHAT_TEMPLATE_FILE, GENERATION_CONFIG_FILE, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from './tokenizer-config.ts';

/** Everything of a Hugging Face model folder besides the weights that a loader may read. */
export const MODEL_METADATA_FILES = [
  'config.json',
  GENERATION_CONFIG_FILE,
  TOKENIZER_FILE,
  TOKENIZER_CONFIG_FILE,
  CHAT_TEMPLATE_FILE,
  'chat_template.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'vocab.json',
  'merges.txt',
  'tokenizer.model',
] as const;
