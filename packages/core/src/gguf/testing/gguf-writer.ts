/**
 * Test-only: writes GGUF files — a generic writer, and a converter from a
 * Hugging Face folder that does what llama.cpp's convert_hf_to_gguf.py does
 * for our fixtures (metadata keys, tensor names, llama q/k permutation,
 * gpt2-style tokenizer arrays) with llama.cpp's reference Q8_0/Q4_0
 * quantizers. Not part of the package's public surface.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeHfConfig } from '../../hf/config.ts';
import { float32ToBfloat16Bits, float32ToFloat16Bits } from '../../hf/half-precision.ts';
import { openWeights } from '../../hf/safetensors-weights.ts';
import { TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from '../../hf/tokenizer-config.ts';
import { ggmlTypeId } from '../ggml-types.ts';
import type { SupportedGgmlTypeName } from '../ggml-types.ts';
import { ggufTensorName } from '../gguf-tensor-names.ts';
import { GGUF_TOKEN_TYPE } from '../gguf-tokenizer.ts';
import { GGUF_MAGIC, GGUF_VALUE_TYPE } from '../gguf-values.ts';
import { permuteRopeRows } from '../rope-permutation.ts';

export type MetadataEntry =
  | { key: string; type: 'u32' | 'i32' | 'f32' | 'u64'; value: number }
  | { key: string; type: 'bool'; value: boolean }
  | { key: string; type: 'string'; value: string }
  | { key: string; type: 'string[]'; value: string[] }
  | { key: string; type: 'i32[]'; value: number[] };

export interface TensorEntry {
  name: string;
  /** innermost first, as GGUF stores them */
  dims: number[];
  /** a ggml type id (any number, so tests can write unsupported ones) */
  type: number;
  data: Uint8Array;
}

const ALIGNMENT = 32;

class ByteWriter {
  private parts: Uint8Array[] = [];
  length = 0;
  private push(bytes: Uint8Array) {
    this.parts.push(bytes);
    this.length += bytes.length;
  }
  private scalar(size: number, write: (v: DataView) => void) {
    const b = new Uint8Array(size);
    write(new DataView(b.buffer));
    this.push(b);
  }
  u8 = (v: number) => this.scalar(1, (d) => d.setUint8(0, v));
  u32 = (v: number) => this.scalar(4, (d) => d.setUint32(0, v, true));
  i32 = (v: number) => this.scalar(4, (d) => d.setInt32(0, v, true));
  f32 = (v: number) => this.scalar(4, (d) => d.setFloat32(0, v, true));
  u64 = (v: number) => this.scalar(8, (d) => d.setBigUint64(0, BigInt(v), true));
  string(s: string) {
    const bytes = new TextEncoder().encode(s);
    this.u64(bytes.length);
    this.push(bytes);
  }
  bytes = (b: Uint8Array) => this.push(b);
  pad(to: number) {
    if (this.length % to) this.push(new Uint8Array(to - (this.length % to)));
  }
  concat(): Uint8Array {
    return Buffer.concat(this.parts);
  }
}

function writeValue(w: ByteWriter, entry: MetadataEntry): void {
  switch (entry.type) {
    case 'u32': return void (w.u32(GGUF_VALUE_TYPE.UINT32), w.u32(entry.value));
    case 'i32': return void (w.u32(GGUF_VALUE_TYPE.INT32), w.i32(entry.value));
    case 'f32': return void (w.u32(GGUF_VALUE_TYPE.FLOAT32), w.f32(entry.value));
    case 'u64': return void (w.u32(GGUF_VALUE_TYPE.UINT64), w.u64(entry.value));
    case 'bool': return void (w.u32(GGUF_VALUE_TYPE.BOOL), w.u8(entry.value ? 1 : 0));
    case 'string': return void (w.u32(GGUF_VALUE_TYPE.STRING), w.string(entry.value));
    case 'string[]':
      w.u32(GGUF_VALUE_TYPE.ARRAY);
      w.u32(GGUF_VALUE_TYPE.STRING);
      w.u64(entry.value.length);
      return entry.value.forEach((s) => w.string(s));
    case 'i32[]':
      w.u32(GGUF_VALUE_TYPE.ARRAY);
      w.u32(GGUF_VALUE_TYPE.INT32);
      w.u64(entry.value.length);
      return entry.value.forEach((v) => w.i32(v));
  }
}

/** A GGUF v3 file: header, metadata, tensor infos, then each tensor's data at 32-byte alignment. */
export function writeGguf(path: string, metadata: MetadataEntry[], tensors: TensorEntry[]): void {
  const w = new ByteWriter();
  w.u32(GGUF_MAGIC);
  w.u32(3);
  w.u64(tensors.length);
  w.u64(metadata.length);
  for (const entry of metadata) {
    w.string(entry.key);
    writeValue(w, entry);
  }
  let offset = 0;
  for (const t of tensors) {
    w.string(t.name);
    w.u32(t.dims.length);
    t.dims.forEach((d) => w.u64(d));
    w.u32(t.type);
    w.u64(offset);
    offset += Math.ceil(t.data.length / ALIGNMENT) * ALIGNMENT;
  }
  w.pad(ALIGNMENT);
  for (const t of tensors) {
    w.bytes(t.data);
    w.pad(ALIGNMENT);
  }
  writeFileSync(path, w.concat());
}

/** llama.cpp's quantize_row_q8_0_ref: d = max|x|/127, q = round(x/d). */
function quantizeQ8_0(x: Float32Array): Uint8Array {
  const out = new Uint8Array((x.length / 32) * 34);
  const view = new DataView(out.buffer);
  for (let b = 0; b < x.length / 32; b++) {
    let amax = 0;
    for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b * 32 + j]!));
    const d = amax / 127;
    const id = d ? 1 / d : 0;
    view.setUint16(b * 34, float32ToFloat16Bits(Float32Array.of(d))[0]!, true);
    for (let j = 0; j < 32; j++) view.setInt8(b * 34 + 2 + j, Math.round(Math.fround(x[b * 32 + j]! * id)));
  }
  return out;
}

/** llama.cpp's quantize_row_q4_0_ref: d = (signed value of largest magnitude)/−8, q = min(15, trunc(x/d + 8.5)). */
function quantizeQ4_0(x: Float32Array): Uint8Array {
  const out = new Uint8Array((x.length / 32) * 18);
  const view = new DataView(out.buffer);
  for (let b = 0; b < x.length / 32; b++) {
    let amax = 0;
    let max = 0;
    for (let j = 0; j < 32; j++) {
      const v = x[b * 32 + j]!;
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = max / -8;
    const id = d ? 1 / d : 0;
    view.setUint16(b * 18, float32ToFloat16Bits(Float32Array.of(d))[0]!, true);
    const q = (v: number) => Math.min(15, Math.trunc(Math.fround(v * id) + 8.5));
    for (let j = 0; j < 16; j++) out[b * 18 + 2 + j] = q(x[b * 32 + j]!) | (q(x[b * 32 + 16 + j]!) << 4);
  }
  return out;
}

export function encodeTensor(values: Float32Array, type: SupportedGgmlTypeName): Uint8Array {
  switch (type) {
    case 'F32': return new Uint8Array(values.slice().buffer);
    case 'F16': return new Uint8Array(float32ToFloat16Bits(values).buffer);
    case 'BF16': return new Uint8Array(float32ToBfloat16Bits(values).buffer);
    case 'Q8_0': return quantizeQ8_0(values);
    case 'Q4_0': return quantizeQ4_0(values);
  }
}

interface TokenizerJson {
  model: { vocab: Record<string, number>; merges: ([string, string] | string)[] };
  added_tokens: { id: number; content: string; special: boolean }[];
}

/** tokenizer.ggml.* as convert_hf_to_gguf writes them for a byte-level BPE tokenizer. */
function tokenizerMetadata(dir: string, vocabSize: number, pre: string): MetadataEntry[] {
  const tokenizer = JSON.parse(readFileSync(join(dir, TOKENIZER_FILE), 'utf8')) as TokenizerJson;
  const config = JSON.parse(readFileSync(join(dir, TOKENIZER_CONFIG_FILE), 'utf8')) as Record<string, unknown>;
  const hf = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const tokens = Array.from({ length: vocabSize }, (_, i) => `[PAD${i}]`);
  const types: number[] = tokens.map(() => GGUF_TOKEN_TYPE.UNUSED);
  for (const [token, id] of Object.entries(tokenizer.model.vocab)) [tokens[id], types[id]] = [token, GGUF_TOKEN_TYPE.NORMAL];
  for (const t of tokenizer.added_tokens) [tokens[t.id], types[t.id]] = [t.content, t.special ? GGUF_TOKEN_TYPE.CONTROL : GGUF_TOKEN_TYPE.USER_DEFINED];
  const merges = tokenizer.model.merges.map((m) => (typeof m === 'string' ? m : m.join(' ')));
  const eos = tokenizer.added_tokens.find((t) => t.content === config.eos_token)?.id;
  const entries: MetadataEntry[] = [
    { key: 'tokenizer.ggml.model', type: 'string', value: 'gpt2' },
    { key: 'tokenizer.ggml.pre', type: 'string', value: pre },
    { key: 'tokenizer.ggml.tokens', type: 'string[]', value: tokens },
    { key: 'tokenizer.ggml.token_type', type: 'i32[]', value: types },
    { key: 'tokenizer.ggml.merges', type: 'string[]', value: merges },
    { key: 'tokenizer.ggml.add_bos_token', type: 'bool', value: config.add_bos_token === true },
  ];
  if (typeof hf.bos_token_id === 'number') entries.push({ key: 'tokenizer.ggml.bos_token_id', type: 'u32', value: hf.bos_token_id });
  if (eos !== undefined) entries.push({ key: 'tokenizer.ggml.eos_token_id', type: 'u32', value: eos });
  if (typeof config.chat_template === 'string') entries.push({ key: 'tokenizer.chat_template', type: 'string', value: config.chat_template });
  return entries;
}

/**
 * Converts a Hugging Face fixture folder to a GGUF like convert_hf_to_gguf
 * (+ llama-quantize for Q8_0/Q4_0: 2-D weights quantized, norms and biases F32).
 */
export function ggufFromHfFolder(dir: string, outPath: string, options: { type: SupportedGgmlTypeName; pre?: string; extraMetadata?: MetadataEntry[]; extraTensors?: TensorEntry[] } = { type: 'F32' }): void {
  const hf = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const config = normalizeHfConfig(hf);
  const arch = config.architecture === 'mistral' ? 'llama' : config.architecture;
  const a = (key: string) => `${arch}.${key}`;
  const metadata: MetadataEntry[] = [
    { key: 'general.architecture', type: 'string', value: arch },
    { key: 'general.name', type: 'string', value: 'plugboard fixture' },
    { key: 'general.alignment', type: 'u32', value: ALIGNMENT },
    { key: a('context_length'), type: 'u32', value: config.maxPositionEmbeddings },
    { key: a('embedding_length'), type: 'u32', value: config.hiddenSize },
    { key: a('block_count'), type: 'u32', value: config.numLayers },
    { key: a('feed_forward_length'), type: 'u32', value: config.intermediateSize },
    { key: a('attention.head_count'), type: 'u32', value: config.numHeads },
    { key: a('attention.head_count_kv'), type: 'u32', value: config.numKvHeads },
    { key: a('attention.key_length'), type: 'u32', value: config.headDim },
    { key: a('attention.layer_norm_rms_epsilon'), type: 'f32', value: config.rmsNormEps },
    { key: a('rope.freq_base'), type: 'f32', value: config.ropeTheta },
    ...tokenizerMetadata(dir, config.vocabSize, options.pre ?? 'qwen2'),
  ];
  // extra entries replace written ones with the same key (tests use it to break files on purpose)
  for (const extra of options.extraMetadata ?? []) {
    const at = metadata.findIndex((m) => m.key === extra.key);
    if (at >= 0) metadata[at] = extra;
    else metadata.push(extra);
  }
  const weights = openWeights(dir);
  const tensors: TensorEntry[] = [];
  try {
    for (const name of weights.names()) {
      const ggufName = ggufTensorName(name);
      if (ggufName === null) throw new Error(`no GGUF name for ${name}`);
      const shape = weights.info(name).shape;
      let values = weights.float32(name);
      const heads = /q_proj/.test(name) ? config.numHeads : /k_proj/.test(name) ? config.numKvHeads : 0;
      if (arch === 'llama' && heads > 0) values = permuteRopeRows(values, heads, shape.length === 2 ? shape[1]! : 1);
      const type = shape.length === 2 && shape[1]! % 32 === 0 ? options.type : 'F32';
      tensors.push({ name: ggufName, dims: [...shape].reverse(), type: ggmlTypeId(type), data: encodeTensor(values, type) });
    }
  } finally {
    weights.close();
  }
  writeGguf(outPath, metadata, [...tensors, ...(options.extraTensors ?? [])]);
}
