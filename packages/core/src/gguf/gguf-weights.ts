import { createHash } from 'node:crypto';
import { PlugboardError } from '../errors/plugboard-error.ts';
import type { TensorInfo, WeightSource } from '../hf/weight-source.ts';
import { dequantize } from './dequantize.ts';
import { SUPPORTED_GGML_TYPES, ggmlTypeInfo, ggmlTypeName } from './ggml-types.ts';
import type { SupportedGgmlTypeName } from './ggml-types.ts';
import { GgufFile } from './gguf-file.ts';
import type { GgufTensorInfo } from './gguf-file.ts';
import { ggufArchitecture, ggufNumber } from './gguf-metadata.ts';
import { hfTensorName } from './gguf-tensor-names.ts';
import { unpermuteRopeRows } from './rope-permutation.ts';
import { GGML_QUANT_BLOCK_SIZE, REPACKABLE_GGML_TYPES, repackGgmlBlocks } from './repack-matmul-nbits.ts';
import type { RepackableGgmlType } from './repack-matmul-nbits.ts';
import type { CodeBits } from '../quant/bit-packing.ts';
import type { PackedMatMulNBits } from '../quant/matmul-nbits.ts';
import { defaultFingerprintIndexDir } from '../hf/content-hash-index.ts';

/** Bumped when the values we hand out for the same file change (the graph cache keys on the fingerprint). */
const GGUF_WEIGHTS_VERSION = 1;

/**
 * The weights of a GGUF file under Hugging Face names and shapes ([out, in]),
 * as float32: F16/BF16 widened, Q8_0/Q4_0 dequantized, and llama-arch q/k rows
 * put back in Hugging Face's rotary order. `info().dtype` is therefore F32
 * and `storedAs` says what the file holds.
 */
export class GgufWeights implements WeightSource {
  private readonly byHfName = new Map<string, GgufTensorInfo>();
  private readonly ropeHeads = new Map<string, number>();
  private cachedFingerprint: string | undefined;

  constructor(
    readonly file: GgufFile,
    /** where the file's content hash is remembered (see openWeights) */
    private readonly fingerprintIndexDir: string = defaultFingerprintIndexDir(),
  ) {
    const architecture = ggufArchitecture(file);
    for (const tensor of file.tensors.values()) {
      if (!ggmlTypeInfo(tensor.type)) {
        throw new PlugboardError(
          'UNSUPPORTED_DTYPE',
          `tensor "${tensor.name}" of ${file.path} is ${ggmlTypeName(tensor.type)}; supported GGUF types: ${Object.values(SUPPORTED_GGML_TYPES).map((t) => t.name).join(', ')} — use a Q8_0, Q4_0, F16 or BF16 file of the model`,
          { details: { tensor: tensor.name, type: ggmlTypeName(tensor.type) } },
        );
      }
      const name = hfTensorName(tensor.name);
      if (name === null) {
        const why = tensor.name === 'rope_freqs.weight' ? 'llama3 rope scaling from a GGUF (rope_freqs) is not supported yet: load the safetensors repo instead' : 'it has no place in a llama/qwen2/qwen3 decoder';
        throw new PlugboardError('UNSUPPORTED_FEATURE', `tensor "${tensor.name}" of ${file.path}: ${why}`, { details: { tensor: tensor.name } });
      }
      this.byHfName.set(name, tensor);
    }
    if (architecture === 'llama') {
      // only llama-arch converters permute q/k (qwen2/qwen3 use NeoX rotary and keep HF order)
      const heads = ggufNumber(file, 'llama.attention.head_count');
      const kvHeads = file.metadata.has('llama.attention.head_count_kv') ? ggufNumber(file, 'llama.attention.head_count_kv') : heads;
      for (const name of this.byHfName.keys()) {
        if (/\.self_attn\.q_proj\.(weight|bias)$/.test(name)) this.ropeHeads.set(name, heads);
        if (/\.self_attn\.k_proj\.(weight|bias)$/.test(name)) this.ropeHeads.set(name, kvHeads);
      }
    }
  }

  static open(path: string, fingerprintIndexDir?: string): GgufWeights {
    const file = GgufFile.open(path);
    try {
      return new GgufWeights(file, fingerprintIndexDir);
    } catch (error) {
      file.close();
      throw error;
    }
  }

  names(): string[] {
    return [...this.byHfName.keys()];
  }

  has(name: string): boolean {
    return this.byHfName.has(name);
  }

  info(name: string): TensorInfo & { storedAs: SupportedGgmlTypeName } {
    const tensor = this.tensor(name);
    return { name, dtype: 'F32', shape: [...tensor.dims].reverse(), byteLength: tensor.byteLength, storedAs: ggmlTypeInfo(tensor.type)!.name as SupportedGgmlTypeName };
  }

  float32(name: string): Float32Array {
    const tensor = this.tensor(name);
    const count = tensor.dims.reduce((a, b) => a * b, 1);
    const values = dequantize(this.file.read(tensor), this.info(name).storedAs, count);
    const heads = this.ropeHeads.get(name);
    return heads === undefined ? values : unpermuteRopeRows(values, heads, tensor.dims.length === 1 ? 1 : tensor.dims[0]!);
  }

  /** Q4_0 (bits 4) / Q8_0 (bits 8) weights at block 32 repacked for MatMulNBits without dequantizing; q/k rows un-permuted whole. */
  quantized(name: string, bits: CodeBits, blockSize: number): PackedMatMulNBits | undefined {
    const tensor = this.tensor(name);
    const type = this.info(name).storedAs;
    if (tensor.dims.length !== 2 || blockSize !== GGML_QUANT_BLOCK_SIZE || REPACKABLE_GGML_TYPES[type as RepackableGgmlType] !== bits) return undefined;
    const [K, N] = tensor.dims as [number, number];
    const stored = this.file.read(tensor);
    const heads = this.ropeHeads.get(name);
    const rows = heads === undefined ? stored : unpermuteRopeRows(stored, heads, stored.length / N);
    return repackGgmlBlocks(rows, type as RepackableGgmlType, N, K);
  }

  /** 32 when any 2-D weight is stored as Q4_0 (bits 4) or Q8_0 (bits 8): building at that block size takes them over as they are. */
  quantizedBlockSize(bits: CodeBits): number | undefined {
    const stored = [...this.byHfName.values()].some((t) => t.dims.length === 2 && REPACKABLE_GGML_TYPES[ggmlTypeInfo(t.type)!.name as RepackableGgmlType] === bits);
    return stored ? GGML_QUANT_BLOCK_SIZE : undefined;
  }

  /** The float32 values' bytes (what float32() returns), since that is the dtype info() reports. */
  raw(name: string): Uint8Array {
    const values = this.float32(name);
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  }

  fingerprint(): string {
    if (this.cachedFingerprint === undefined) {
      const hash = createHash('sha256').update(`gguf-weights-v${GGUF_WEIGHTS_VERSION}\0`);
      hash.update(this.file.contentSha256(this.fingerprintIndexDir));
      this.cachedFingerprint = hash.digest('hex');
    }
    return this.cachedFingerprint;
  }

  close(): void {
    this.file.close();
  }

  private tensor(name: string): GgufTensorInfo {
    const tensor = this.byHfName.get(name);
    if (!tensor) throw new PlugboardError('WEIGHT_MISSING', `the GGUF ${this.file.path} has no tensor for "${name}"`, { details: { tensor: name } });
    return tensor;
  }
}
