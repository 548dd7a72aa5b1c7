import * as ort from 'onnxruntime-node';
import type { ModelConfig } from '../hf/config.ts';
import { GRAPH_INPUTS, GRAPH_OUTPUTS } from '../model/inference-graph.ts';

/**
 * Past keys/values of a batch, as returned by the last run (fed back by
 * reference, never copied on the JS side). Rows are right-padded: row b's
 * tokens occupy positions [0, lengths[b]) of every layer's buffer.
 */
export class KvCache {
  private tensors: Map<string, ort.Tensor>;
  /** tokens cached per row */
  readonly lengths: number[];

  private constructor(
    private readonly config: ModelConfig,
    tensors: Map<string, ort.Tensor>,
    lengths: number[],
  ) {
    this.tensors = tensors;
    this.lengths = lengths;
  }

  static empty(config: ModelConfig, batch: number): KvCache {
    const tensors = new Map<string, ort.Tensor>();
    const dims = [batch, config.numKvHeads, 0, config.headDim];
    for (let i = 0; i < config.numLayers; i++) {
      tensors.set(GRAPH_INPUTS.pastKey(i), new ort.Tensor('float32', new Float32Array(0), dims));
      tensors.set(GRAPH_INPUTS.pastValue(i), new ort.Tensor('float32', new Float32Array(0), dims));
    }
    return new KvCache(config, tensors, new Array<number>(batch).fill(0));
  }

  get batch(): number {
    return this.lengths.length;
  }

  /** Length of the shared buffer (the longest row, padding included). */
  get bufferLength(): number {
    const first = this.tensors.get(GRAPH_INPUTS.pastKey(0));
    return first ? (first.dims[2] as number) : 0;
  }

  feeds(): Record<string, ort.Tensor> {
    return Object.fromEntries(this.tensors);
  }

  /** Takes the run's present.* outputs as the new past and advances the row lengths. */
  advance(outputs: Record<string, ort.Tensor>, added: number[]): void {
    for (let i = 0; i < this.config.numLayers; i++) {
      this.tensors.set(GRAPH_INPUTS.pastKey(i), outputs[GRAPH_OUTPUTS.presentKey(i)] as ort.Tensor);
      this.tensors.set(GRAPH_INPUTS.pastValue(i), outputs[GRAPH_OUTPUTS.presentValue(i)] as ort.Tensor);
    }
    added.forEach((n, row) => {
      this.lengths[row] = (this.lengths[row] as number) + n;
    });
  }

  /** Keeps the first `length` positions of every row (a copy of what stays), dropping the rest. */
  truncate(length: number): void {
    if (length >= this.bufferLength) return;
    const { numKvHeads: heads, headDim } = this.config;
    for (const [name, tensor] of this.tensors) {
      const past = tensor.dims[2] as number;
      const data = tensor.data as Float32Array;
      const kept = new Float32Array(this.batch * heads * length * headDim);
      for (let bh = 0; bh < this.batch * heads; bh++) {
        kept.set(data.subarray(bh * past * headDim, (bh * past + length) * headDim), bh * length * headDim);
      }
      this.tensors.set(name, new ort.Tensor('float32', kept, [this.batch, heads, length, headDim]));
    }
    this.lengths.forEach((n, row) => {
      this.lengths[row] = Math.min(n, length);
    });
  }

  /** Bytes held by the cache. */
  byteLength(): number {
    let total = 0;
    for (const t of this.tensors.values()) total += (t.data as Float32Array).byteLength;
    return total;
  }
}
