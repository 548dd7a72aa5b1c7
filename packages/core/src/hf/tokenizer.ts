import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { z } from 'zod';
import { PlugboardError } from '../errors/plugboard-error.ts';
import { causeMessage } from './cause-message.ts';
import { readJsonFile } from './read-json-file.ts';
import { TOKENIZER_FILE, readGenerationConfig, readTokenizerConfig, tokenContent } from './tokenizer-config.ts';
import type { GenerationConfig, TokenizerConfig } from './tokenizer-config.ts';

/** The tokenizer surface Plugboard uses, independent of the library behind it. */
export interface Tokenizer {
  encode(text: string, options?: { addSpecialTokens?: boolean }): number[];
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
  /** one past the largest token id (added tokens included) */
  readonly vocabSize: number;
  /** ids that end generation: the config's eos token plus generation_config.json's eos ids */
  readonly eosTokenIds: readonly number[];
  readonly bosTokenId: number | null;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
}

const TokenizerJsonSchema = z
  .object({
    model: z.object({ type: z.string().optional() }).passthrough(),
    added_tokens: z.array(z.object({ id: z.number().int(), content: z.string() }).passthrough()).default([]),
  })
  .passthrough();

function tokenizerError(message: string, cause?: unknown): PlugboardError {
  return new PlugboardError('TOKENIZER_ERROR', message, { cause });
}

class HuggingFaceTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly eosTokenIds: readonly number[];
  readonly bosTokenId: number | null;
  private readonly inner: HfTokenizer;

  constructor(inner: HfTokenizer, config: TokenizerConfig, generation: GenerationConfig) {
    this.inner = inner;
    let largestId = -1;
    for (const id of inner.get_vocab(true).values()) largestId = Math.max(largestId, id);
    this.vocabSize = largestId + 1;
    const eos = this.specialId(tokenContent(config.eos_token), 'eos_token');
    const generationEos = generation.eos_token_id == null ? [] : [generation.eos_token_id].flat();
    this.eosTokenIds = [...new Set([...(eos === null ? [] : [eos]), ...generationEos])];
    this.bosTokenId = this.specialId(tokenContent(config.bos_token), 'bos_token');
  }

  encode(text: string, options: { addSpecialTokens?: boolean } = {}): number[] {
    try {
      return this.inner.encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).ids;
    } catch (cause) {
      throw tokenizerError(`could not encode the text: ${causeMessage(cause)}`, cause);
    }
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    if (ids.length === 0) return '';
    for (const id of ids) {
      if (!Number.isInteger(id) || this.idToToken(id) === undefined) {
        throw tokenizerError(`token id ${id} is not in the vocabulary (size ${this.vocabSize})`);
      }
    }
    try {
      return this.inner.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
    } catch (cause) {
      throw tokenizerError(`could not decode token ids: ${causeMessage(cause)}`, cause);
    }
  }

  tokenToId(token: string): number | undefined {
    return this.inner.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return id >= 0 ? this.inner.id_to_token(id) : undefined;
  }

  private specialId(token: string | null, field: string): number | null {
    if (token === null) return null;
    const id = this.tokenToId(token);
    if (id === undefined) throw tokenizerError(`tokenizer_config.json's ${field} "${token}" is not in the vocabulary`);
    return id;
  }
}

/** Builds a tokenizer from parsed tokenizer.json, tokenizer_config.json and (optional) generation_config.json contents. */
export function createTokenizer(
  tokenizerJson: unknown,
  config: TokenizerConfig = {},
  generation: GenerationConfig = {},
): Tokenizer {
  const parsed = TokenizerJsonSchema.safeParse(tokenizerJson);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw tokenizerError(`tokenizer.json is invalid at "${issue?.path.join('.')}": ${issue?.message}`, parsed.error);
  }
  let inner: HfTokenizer;
  try {
    inner = new HfTokenizer(parsed.data, config);
  } catch (cause) {
    throw tokenizerError(`tokenizer.json could not be loaded: ${causeMessage(cause)}`, cause);
  }
  return new HuggingFaceTokenizer(inner, config, generation);
}

/** Loads `<dir>/tokenizer.json` with its tokenizer_config.json and generation_config.json (both optional). */
export function loadTokenizer(dir: string): Tokenizer {
  const json = readJsonFile(join(dir, TOKENIZER_FILE), z.unknown(), 'TOKENIZER_ERROR');
  return createTokenizer(json, readTokenizerConfig(dir), readGenerationConfig(dir));
}
