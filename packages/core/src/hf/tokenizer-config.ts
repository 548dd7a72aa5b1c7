import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile } from './read-json-file.ts';

/** A special token as tokenizer_config.json writes it: a string, or an AddedToken object with `content`. */
const TokenSpecSchema = z.union([z.string(), z.object({ content: z.string() }).passthrough()]).nullish();

const NamedTemplateSchema = z.object({ name: z.string(), template: z.string() });

/** The parts of `tokenizer_config.json` we read; the rest passes through to the tokenizer library. */
export const TokenizerConfigSchema = z
  .object({
    chat_template: z.union([z.string(), z.array(NamedTemplateSchema)]).nullish(),
    bos_token: TokenSpecSchema,
    eos_token: TokenSpecSchema,
    pad_token: TokenSpecSchema,
    unk_token: TokenSpecSchema,
    clean_up_tokenization_spaces: z.boolean().optional(),
    model_max_length: z.number().optional(),
  })
  .passthrough();

export type TokenizerConfig = z.infer<typeof TokenizerConfigSchema>;

/** `generation_config.json`: some models list extra stop ids only here (e.g. Qwen2.5's <|endoftext|>). */
export const GenerationConfigSchema = z
  .object({
    bos_token_id: z.number().int().nullish(),
    eos_token_id: z.union([z.number().int(), z.array(z.number().int())]).nullish(),
  })
  .passthrough();

export type GenerationConfig = z.infer<typeof GenerationConfigSchema>;

export const TOKENIZER_FILE = 'tokenizer.json';
export const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';
export const GENERATION_CONFIG_FILE = 'generation_config.json';
/** Newer checkpoints keep the template in its own file instead of tokenizer_config.json. */
export const CHAT_TEMPLATE_FILE = 'chat_template.jinja';

export function tokenContent(spec: TokenizerConfig['bos_token']): string | null {
  if (spec == null) return null;
  return typeof spec === 'string' ? spec : spec.content;
}

/** Reads `<dir>/tokenizer_config.json` (an empty config when absent), taking the chat template from chat_template.jinja if present. */
export function readTokenizerConfig(dir: string): TokenizerConfig {
  const config = readJsonFile(join(dir, TOKENIZER_CONFIG_FILE), TokenizerConfigSchema, 'TOKENIZER_ERROR', { optional: true }) ?? {};
  const templatePath = join(dir, CHAT_TEMPLATE_FILE);
  return existsSync(templatePath) ? { ...config, chat_template: readFileSync(templatePath, 'utf8') } : config;
}

/**
 * `<dir>/generation_config.json`; without one (or without eos ids in it), the
 * eos ids of config.json, as transformers' GenerationConfig.from_model_config does.
 */
export function readGenerationConfig(dir: string): GenerationConfig {
  const generation = readJsonFile(join(dir, GENERATION_CONFIG_FILE), GenerationConfigSchema, 'INVALID_CONFIG', { optional: true }) ?? {};
  if (generation.eos_token_id != null) return generation;
  const model = readJsonFile(join(dir, 'config.json'), GenerationConfigSchema, 'INVALID_CONFIG', { optional: true });
  return model?.eos_token_id == null ? generation : { ...generation, eos_token_id: model.eos_token_id };
}
