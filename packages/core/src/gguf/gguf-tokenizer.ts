import { PlugboardError } from '../errors/plugboard-error.ts';
import { QWEN2_SPLIT_PATTERN } from '../hf/qwen2-split-pattern.ts';
import type { GgufFile } from './gguf-file.ts';
import { ggufArray, ggufOptionalBoolean, ggufOptionalNumber, ggufOptionalString } from './gguf-metadata.ts';

/** `tokenizer.ggml.token_type` values (llama.cpp's `llama_token_type`). */
export const GGUF_TOKEN_TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

/** Llama 3's split (tokenizer.json of Meta-Llama-3): like Qwen2's but digits in runs of up to three. */
const LLAMA3_SPLIT_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };

/** Pre-tokenizers of the `tokenizer.ggml.pre` values we rebuild (llama.cpp names them in llama-vocab.cpp). */
const PRE_TOKENIZERS: Record<string, { pre_tokenizer: object; normalizer: object | null }> = {
  qwen2: { normalizer: { type: 'NFC' }, pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: QWEN2_SPLIT_PATTERN }, behavior: 'Isolated', invert: false }, BYTE_LEVEL] } },
  'llama-bpe': { normalizer: null, pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: LLAMA3_SPLIT_PATTERN }, behavior: 'Isolated', invert: false }, BYTE_LEVEL] } },
  'gpt-2': { normalizer: null, pre_tokenizer: { ...BYTE_LEVEL, use_regex: true } },
  default: { normalizer: null, pre_tokenizer: { ...BYTE_LEVEL, use_regex: true } },
};

export interface GgufTokenizerFiles {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  generationConfig: Record<string, unknown>;
}

/**
 * A tokenizer.json (byte-level BPE, the `gpt2` GGUF tokenizer model of
 * Qwen2 and Llama 3), tokenizer_config.json (special tokens, chat template)
 * and generation_config.json (eos ids) rebuilt from `tokenizer.ggml.*` and
 * `tokenizer.chat_template`, so @huggingface/tokenizers loads it like any folder.
 */
export function tokenizerFilesFromGguf(file: GgufFile): GgufTokenizerFiles {
  const model = ggufOptionalString(file, 'tokenizer.ggml.model');
  if (model !== 'gpt2') {
    throw new PlugboardError(
      'UNSUPPORTED_FEATURE',
      `${file.path} has a "${model ?? 'missing'}" tokenizer; from GGUF metadata only byte-level BPE ("gpt2": Qwen2, Llama 3) is rebuilt — SentencePiece ("llama") tokenizers are not yet: load the model's safetensors folder instead`,
      { details: { tokenizer: model } },
    );
  }
  const preName = ggufOptionalString(file, 'tokenizer.ggml.pre') ?? 'default';
  const pre = PRE_TOKENIZERS[preName];
  if (!pre) {
    throw new PlugboardError('UNSUPPORTED_FEATURE', `${file.path} uses the pre-tokenizer "${preName}"; supported: ${Object.keys(PRE_TOKENIZERS).join(', ')}`, { details: { pre: preName } });
  }
  const tokens = ggufArray(file, 'tokenizer.ggml.tokens', 'string');
  const types = file.metadata.has('tokenizer.ggml.token_type') ? ggufArray(file, 'tokenizer.ggml.token_type', 'number') : tokens.map(() => GGUF_TOKEN_TYPE.NORMAL);
  if (types.length !== tokens.length) throw new PlugboardError('INVALID_CONFIG', `${file.path} has ${tokens.length} tokens but ${types.length} token types`);
  const merges = ggufArray(file, 'tokenizer.ggml.merges', 'string').map((m) => {
    const space = m.indexOf(' ', 1);
    return [m.slice(0, space), m.slice(space + 1)];
  });
  const vocab: Record<string, number> = {};
  const added: object[] = [];
  tokens.forEach((content, id) => {
    const type = types[id];
    if (type === GGUF_TOKEN_TYPE.UNUSED) return; // the converter's [PADn] fillers up to the embedding size
    if (type === GGUF_TOKEN_TYPE.CONTROL || type === GGUF_TOKEN_TYPE.USER_DEFINED) {
      added.push({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: type === GGUF_TOKEN_TYPE.CONTROL });
    } else vocab[content] = id;
  });
  const bos = ggufOptionalNumber(file, 'tokenizer.ggml.bos_token_id');
  const eos = ggufOptionalNumber(file, 'tokenizer.ggml.eos_token_id');
  const eot = ggufOptionalNumber(file, 'tokenizer.ggml.eot_token_id');
  const addBos = (ggufOptionalBoolean(file, 'tokenizer.ggml.add_bos_token') ?? false) && bos !== undefined;
  const bosToken = bos === undefined ? null : (tokens[bos] ?? null);
  const postProcessor = addBos
    ? {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: bosToken, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
        pair: [{ SpecialToken: { id: bosToken, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: bosToken, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
        special_tokens: { [bosToken as string]: { id: bosToken, ids: [bos], tokens: [bosToken] } },
      }
    : BYTE_LEVEL;
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: pre.normalizer,
    pre_tokenizer: pre.pre_tokenizer,
    post_processor: postProcessor,
    decoder: BYTE_LEVEL,
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
  };
  const chatTemplate = ggufOptionalString(file, 'tokenizer.chat_template');
  const tokenizerConfig = {
    add_bos_token: addBos,
    bos_token: addBos ? bosToken : null,
    eos_token: eos === undefined ? null : (tokens[eos] ?? null),
    ...(chatTemplate === undefined ? {} : { chat_template: chatTemplate }),
    clean_up_tokenization_spaces: false,
    model_max_length: ggufOptionalNumber(file, `${String(file.metadata.get('general.architecture'))}.context_length`),
  };
  const eosIds = [...new Set([eos, eot].filter((id): id is number => id !== undefined))];
  const generationConfig = { bos_token_id: bos ?? null, eos_token_id: eosIds };
  return { tokenizerJson, tokenizerConfig, generationConfig };
}
